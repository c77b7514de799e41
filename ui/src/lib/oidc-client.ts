/**
 * Sign-in with the organisation's OpenID provider: the authorization code flow with PKCE, by
 * oauth4webapi (no protocol code of our own). Loaded only when someone signs in, renews or signs
 * out, so the list page does not carry it.
 *
 * What is kept between leaving for the provider and coming back (PKCE verifier, state, nonce,
 * the page to return to) stays in this tab's sessionStorage and is used once.
 */
import * as oauth from 'oauth4webapi';
import { CALLBACK_PATH, SIGNED_OUT_PATH } from './auth';
import type { OidcSession } from './session';
import type { OidcUiConfig } from './ui-config';

const PENDING = 'baton.oidc.pending';

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
  returnTo: string;
}

/** Plain http is accepted for a provider on this machine only (development, the browser test). */
const transport = (issuer: URL) =>
  issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname)
    ? { [oauth.allowInsecureRequests]: true }
    : {};

const discovered = new Map<string, Promise<oauth.AuthorizationServer>>();
const providerOf = (config: OidcUiConfig): Promise<oauth.AuthorizationServer> => {
  let found = discovered.get(config.issuer);
  if (!found) {
    const issuer = new URL(config.issuer);
    found = oauth
      .discoveryRequest(issuer, { algorithm: 'oidc', ...transport(issuer) })
      .then((response) => oauth.processDiscoveryResponse(issuer, response));
    found.catch(() => discovered.delete(config.issuer));
    discovered.set(config.issuer, found);
  }
  return found;
};

const redirectUri = () => `${location.origin}${CALLBACK_PATH}`;
const client = (config: OidcUiConfig): oauth.Client => ({ client_id: config.clientId });

/** RFC 8707: an audience that is an absolute URI is asked for as the token's resource. */
const resource = (config: OidcUiConfig): Record<string, string> =>
  /^[a-z][a-z0-9+.-]*:[^#]+$/i.test(config.audience) ? { resource: config.audience } : {};

/** Only a path of this site: a crafted return address must not send anyone elsewhere. */
export const safeReturn = (to: string | undefined): string =>
  to && to.startsWith('/') && !to.startsWith('//') && !to.startsWith('/\\') ? to : '/';

/** Leaves for the provider's sign-in page; comes back to `returnTo` afterwards. */
export const beginSignIn = async (config: OidcUiConfig, returnTo: string): Promise<void> => {
  const provider = await providerOf(config);
  if (!provider.authorization_endpoint)
    throw new Error('The identity provider publishes no authorization endpoint');
  const pending: Pending = {
    verifier: oauth.generateRandomCodeVerifier(),
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    returnTo: safeReturn(returnTo),
  };
  const url = new URL(provider.authorization_endpoint);
  const params: Record<string, string> = {
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: config.scopes.join(' '),
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
    ...resource(config),
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  location.assign(url.href);
};

const sessionFrom = (result: oauth.TokenEndpointResponse, previous?: OidcSession): OidcSession => {
  const issuedAt = Date.now();
  // Without expires_in the token is renewed (or the person signs in again) after five minutes.
  const lifetimeMs = (result.expires_in ?? 300) * 1000;
  return {
    accessToken: result.access_token,
    issuedAt,
    expiresAt: issuedAt + lifetimeMs,
    idToken: result.id_token ?? previous?.idToken,
    refreshToken: result.refresh_token ?? previous?.refreshToken,
  };
};

/** Back from the provider: checks state, trades the code (with the PKCE verifier) for tokens. */
export const completeSignIn = async (
  config: OidcUiConfig,
  current: URL,
): Promise<{ session: OidcSession; returnTo: string }> => {
  const raw = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  const pending = raw ? (JSON.parse(raw) as Pending) : null;
  if (!pending) throw new Error('No sign-in was started from this tab. Sign in again.');
  const provider = await providerOf(config);
  const params = oauth.validateAuthResponse(provider, client(config), current, pending.state);
  const response = await oauth.authorizationCodeGrantRequest(
    provider,
    client(config),
    oauth.None(),
    params,
    redirectUri(),
    pending.verifier,
    { additionalParameters: resource(config), ...transport(new URL(config.issuer)) },
  );
  const result = await oauth.processAuthorizationCodeResponse(provider, client(config), response, {
    expectedNonce: pending.nonce,
    requireIdToken: true,
  });
  return { session: sessionFrom(result), returnTo: pending.returnTo };
};

/** A new access token from the refresh token; throws when the provider says no. */
export const renew = async (config: OidcUiConfig, session: OidcSession): Promise<OidcSession> => {
  if (!session.refreshToken) throw new Error('No refresh token');
  const provider = await providerOf(config);
  const response = await oauth.refreshTokenGrantRequest(
    provider,
    client(config),
    oauth.None(),
    session.refreshToken,
    { additionalParameters: resource(config), ...transport(new URL(config.issuer)) },
  );
  const result = await oauth.processRefreshTokenResponse(provider, client(config), response);
  return sessionFrom(result, session);
};

/**
 * Where to send the browser to end the session at the provider too (RP-initiated logout), or
 * null when the provider offers no end-session endpoint.
 */
export const endSessionUrl = async (
  config: OidcUiConfig,
  session: OidcSession,
): Promise<string | null> => {
  const provider = await providerOf(config).catch(() => null);
  if (!provider?.end_session_endpoint) return null;
  const url = new URL(provider.end_session_endpoint);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('post_logout_redirect_uri', `${location.origin}${SIGNED_OUT_PATH}`);
  if (session.idToken) url.searchParams.set('id_token_hint', session.idToken);
  return url.href;
};
