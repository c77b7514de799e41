/** The header's account corner: who is signed in, with which roles, and signing out. */
import { endSession } from '../lib/auth';
import type { Identity } from '../lib/identity';
import { clearCredential, readCredential } from '../lib/session';
import { loadUiConfig } from '../lib/ui-config';

/**
 * Ends the session here and, for a provider sign-in, at the provider too (its end-session
 * endpoint, which sends the browser back to /signed-out); without one, the page just forgets it.
 */
const signOut = async () => {
  const credential = readCredential();
  if (credential?.kind === 'oidc') {
    const config = (await loadUiConfig()).oidc;
    const { endSessionUrl } = await import('../lib/oidc-client');
    const url = config ? await endSessionUrl(config, credential) : null;
    clearCredential();
    if (url) return location.assign(url);
  }
  endSession('signed-out');
};

export const SignedInAs = ({ identity }: { identity: Identity | null }) => {
  const credential = readCredential();
  if (!credential) return null;
  return (
    <div className="identity" aria-live="polite">
      {identity?.name ? (
        <span>
          Signed in as <strong>{identity.name}</strong>
          {identity.roles.length ? (
            <span className="roles"> ({identity.roles.join(', ')})</span>
          ) : null}
        </span>
      ) : credential.kind === 'key' ? (
        <span>Signed in with an API key</span>
      ) : null}
      <button type="button" className="link" onClick={() => void signOut()}>
        Sign out
      </button>
    </div>
  );
};
