/**
 * Webhook secrets at rest: AES-256-GCM with a key that lives outside the database (an
 * environment variable or a file), so a copy of the database alone cannot sign deliveries.
 * HMAC needs the secret itself on the sending side, so it is sealed, not hashed.
 * Format: `v1.<iv>.<tag>.<ciphertext>`, base64url parts.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretBox } from '../../application/ports/webhook-store';

export const SECRET_KEY_BYTES = 32;

export class AesSecretBox implements SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== SECRET_KEY_BYTES)
      throw new Error(`the webhook secret key must be ${SECRET_KEY_BYTES} bytes`);
  }

  /** A key as written in WEBHOOK_SECRET_KEY or its file: 32 bytes in base64 or hex. */
  static parseKey(text: string, name: string): Buffer {
    const trimmed = text.trim();
    const key = /^[0-9a-f]{64}$/i.test(trimmed)
      ? Buffer.from(trimmed, 'hex')
      : Buffer.from(trimmed, 'base64');
    if (key.length !== SECRET_KEY_BYTES)
      throw new Error(
        `${name} must hold 32 bytes as 64 hex digits or base64 (openssl rand -base64 32)`,
      );
    return key;
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), sealed]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined)
      throw new Error('not a sealed webhook secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([
        decipher.update(Buffer.from(data, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      // Never the key or the text: only that this key does not open it.
      throw new Error(
        'webhook secret cannot be opened with this WEBHOOK_SECRET_KEY (was it changed?)',
      );
    }
  }
}
