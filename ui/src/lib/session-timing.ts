/**
 * When to renew an access token (or, without a refresh token, send the operator to sign in
 * again): a fifth of its lifetime before it expires, at most a minute early, so a request is
 * never sent with a token about to run out. Plain TypeScript, unit-tested.
 */
export const MAX_RENEWAL_LEAD_MS = 60_000;

export const renewalDelay = (
  session: { issuedAt: number; expiresAt: number },
  now: number,
): number => {
  const lifetime = Math.max(0, session.expiresAt - session.issuedAt);
  const lead = Math.min(MAX_RENEWAL_LEAD_MS, lifetime / 5);
  return Math.max(0, Math.round(session.expiresAt - lead - now));
};
