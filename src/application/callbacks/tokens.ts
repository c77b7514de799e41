/**
 * Callback tokens: 32 random bytes, base64url. Only the SHA-256 hash is ever stored; the
 * plaintext lives only in the URL handed to the action step.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CallbackToken } from '../../domain/process/state';

export interface IssuedToken {
  token: string;
  tokenHash: string;
}

export const sha256Hex = (data: string | Buffer): string =>
  createHash('sha256').update(data).digest('hex');

export const newCallbackToken = (): IssuedToken => {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: sha256Hex(token) };
};

/**
 * Finds the token a caller presented among those the process issued. Every hash is compared
 * in constant time, and every candidate is visited, so timing tells nothing about near misses.
 */
export const matchToken = (
  tokens: readonly CallbackToken[],
  presented: string,
): CallbackToken | undefined => {
  const presentedHash = Buffer.from(sha256Hex(presented), 'hex');
  let match: CallbackToken | undefined;
  for (const candidate of tokens) {
    const stored = Buffer.from(candidate.tokenHash, 'hex');
    if (stored.length === presentedHash.length && timingSafeEqual(stored, presentedHash))
      match = candidate;
  }
  return match;
};

export const callbackRoute = (processId: string, token: string): string =>
  `/api/processes/${processId}/callback/${token}`;

/** Replaces the plaintext token wherever a step echoed it (error messages, details). */
export const redactToken = <T>(value: T, token: string): T => {
  const text = JSON.stringify(value);
  if (text === undefined || !text.includes(token)) return value;
  return JSON.parse(text.split(token).join('[redacted]')) as T;
};
