import React from 'react';

/** The name in the header's corner; the UI asks for it with the header's height. */
export const appLogo = (navigationHeight: number) => (
  <span
    style={{
      display: 'flex',
      alignItems: 'center',
      height: navigationHeight,
      fontWeight: 600,
      fontSize: 18,
      paddingRight: 16,
    }}
  >
    Baton · orchestrator-ui
  </span>
);
