/**
 * Optional callback signatures: a workflow configured with a shared secret accepts callbacks
 * and progress reports only with `X-Baton-Signature: sha256=<hex HMAC-SHA256 of the raw body>`.
 * The token proves the URL was handed out; the signature proves the runner holding the secret
 * sent this body (a leaked URL, say from the runner's logs, is then not enough).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-baton-signature';

export const signBody = (secret: string, body: Buffer | string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** Why the signature does not verify, or null when it does (or the workflow signs nothing). */
export const signatureError = (
  secret: string | undefined,
  body: Buffer,
  presented: string | undefined,
): string | null => {
  if (secret === undefined) return null;
  if (!presented) return 'signature missing';
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(presented.trim());
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? null
    : 'signature does not match the body';
};
