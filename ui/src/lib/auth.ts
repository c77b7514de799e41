/**
 * The end of a session, announced once to whoever shows the sign-in page: the token expired,
 * the API refused the credential (revoked, or expired early), or the operator signed out. The
 * page's address is left as it is, so signing in again returns to it.
 */
import { clearCredential, EndReason } from './session';

/** Where the provider sends the browser back to after sign-in and after sign-out. */
export const CALLBACK_PATH = '/auth/callback';
export const SIGNED_OUT_PATH = '/signed-out';

type Listener = (reason: EndReason) => void;
const listeners = new Set<Listener>();

export const onSessionEnded = (listener: Listener) => {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
};

export const endSession = (reason: EndReason) => {
  clearCredential();
  listeners.forEach((l) => l(reason));
};

/** The page to come back to after signing in: this one, unless it is a sign-in page itself. */
export const returnAddress = (): string =>
  location.pathname === CALLBACK_PATH || location.pathname === SIGNED_OUT_PATH
    ? '/'
    : location.pathname + location.search;
