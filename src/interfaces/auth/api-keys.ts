/**
 * API keys. Only their SHA-256 is ever configured or stored (a key is 32 random bytes, so a
 * fast hash is enough: there is nothing to guess); a presented key is hashed and compared with
 * every configured hash in constant time, so timing tells nothing about near misses. How keys
 * are configured: domain/access/api-key-entries.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiKeyEntry } from '../../domain/access/api-key-entries';
import { Actor } from '../../domain/access/roles';

export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');

/** A new key: printed once to whoever asked for it, stored only as its hash. */
export const newApiKey = (): string => `baton_${randomBytes(32).toString('base64url')}`;

export class ApiKeyVerifier {
  private readonly hashes: Array<{ entry: ApiKeyEntry; digest: Buffer }>;

  constructor(entries: readonly ApiKeyEntry[]) {
    this.hashes = entries.map((entry) => ({ entry, digest: Buffer.from(entry.hash, 'hex') }));
  }

  get size(): number {
    return this.hashes.length;
  }

  /** The key's owner, or null. Every configured hash is compared, match or not. */
  verify(presented: string): Actor | null {
    const digest = Buffer.from(hashApiKey(presented), 'hex');
    let match: ApiKeyEntry | null = null;
    for (const candidate of this.hashes) {
      if (timingSafeEqual(candidate.digest, digest)) match = candidate.entry;
    }
    return match && { name: match.name, roles: [...match.roles] };
  }
}
