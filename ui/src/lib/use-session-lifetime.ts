/**
 * Keeps an OpenID sign-in alive while the tab is open: renews the access token with the
 * refresh token before it expires; without one (or when the provider refuses), ends the session
 * before the token runs out, so the operator signs in again at the same address instead of
 * meeting failing requests. API keys do not expire here.
 */
import { useEffect } from 'react';
import { endSession } from './auth';
import { readCredential, saveOidc } from './session';
import { renewalDelay } from './session-timing';
import { loadUiConfig } from './ui-config';

const renewOrEnd = async (): Promise<'renewed' | 'ended' | 'gone'> => {
  const current = readCredential();
  if (current?.kind !== 'oidc') return 'gone';
  const config = (await loadUiConfig()).oidc;
  if (current.refreshToken && config) {
    try {
      const { renew } = await import('./oidc-client');
      saveOidc(await renew(config, current));
      return 'renewed';
    } catch {
      // the provider said no (session ended there, refresh token revoked): sign in again
    }
  }
  endSession('expired');
  return 'ended';
};

export const useSessionLifetime = (signedInAt: number) => {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const schedule = () => {
      clearTimeout(timer);
      const credential = readCredential();
      if (stopped || credential?.kind !== 'oidc') return;
      timer = setTimeout(
        async () => {
          if ((await renewOrEnd()) === 'renewed') schedule();
        },
        renewalDelay(credential, Date.now()),
      );
    };
    schedule();
    // A tab in the background gets its timers slowed down: look again when it comes back.
    const onVisible = () => {
      if (document.visibilityState === 'visible') schedule();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [signedInAt]);
};
