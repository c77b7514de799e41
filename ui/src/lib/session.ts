/**
 * The operator's credential lives for the browser tab only (sessionStorage), never in a URL:
 * an API key typed into the sign-in page, or the tokens of a sign-in with the organisation's
 * OpenID provider. A change (sign-in, refresh, end) is announced so the app can follow it.
 */
const KEY = 'baton.apiKey';
const OIDC = 'baton.oidc';

export interface OidcSession {
  accessToken: string;
  /** Milliseconds since the epoch; the access token is not used past it. */
  expiresAt: number;
  /** When the access token was issued (ms): the lifetime decides how early to renew. */
  issuedAt: number;
  idToken?: string;
  refreshToken?: string;
}

export type Credential = { kind: 'key'; key: string } | ({ kind: 'oidc' } & OidcSession);

/**
 * Why the sign-in page shows: never signed in (`required`), the token expired, the API refused
 * the credential, or the operator signed out.
 */
export type EndReason = 'required' | 'expired' | 'refused' | 'signed-out';

export const readKey = (): string | null => sessionStorage.getItem(KEY);
export const saveKey = (key: string) => {
  sessionStorage.removeItem(OIDC);
  sessionStorage.setItem(KEY, key);
};

const readOidc = (): OidcSession | null => {
  try {
    const session = JSON.parse(sessionStorage.getItem(OIDC) ?? 'null') as OidcSession | null;
    return session && typeof session.accessToken === 'string' ? session : null;
  } catch {
    return null;
  }
};

export const saveOidc = (session: OidcSession) => {
  sessionStorage.removeItem(KEY);
  sessionStorage.setItem(OIDC, JSON.stringify(session));
};

export const readCredential = (): Credential | null => {
  const oidc = readOidc();
  if (oidc) return { kind: 'oidc', ...oidc };
  const key = readKey();
  return key ? { kind: 'key', key } : null;
};

/** What goes into `Authorization: Bearer …`; nothing once a token has passed its expiry. */
export const bearer = (now = Date.now()): string | null => {
  const credential = readCredential();
  if (!credential) return null;
  if (credential.kind === 'key') return credential.key;
  return credential.expiresAt > now ? credential.accessToken : null;
};

export const clearCredential = () => {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(OIDC);
};
