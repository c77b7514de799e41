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

/** Verified keys remembered at most; more than any deployment configures. */
const VERIFIED_CACHE_SIZE = 64;

export class ApiKeyVerifier {
  private readonly hashes: Array<{ entry: ApiKeyEntry; digest: Buffer }>;
  /**
   * Keys that verified, by their plaintext: a client sends the same key with every request
   * (a poller, many times a second), and hashing it each time was about 1% of the server's CPU
   * under the bench. Only keys that matched are kept (a wrong key is hashed and compared every
   * time, as before), in memory only, and the map is emptied when full.
   */
  private readonly verified = new Map<string, ApiKeyEntry>();

  constructor(entries: readonly ApiKeyEntry[]) {
    this.hashes = entries.map((entry) => ({ entry, digest: Buffer.from(entry.hash, 'hex') }));
  }

  get size(): number {
    return this.hashes.length;
  }

  /** The key's owner, or null. Every configured hash is compared, match or not. */
  verify(presented: string): Actor | null {
    const known = this.verified.get(presented);
    if (known) return actorOf(known);
    const digest = Buffer.from(hashApiKey(presented), 'hex');
    let match: ApiKeyEntry | null = null;
    for (const candidate of this.hashes) {
      if (timingSafeEqual(candidate.digest, digest)) match = candidate.entry;
    }
    if (!match) return null;
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
    this.verified.set(presented, match);
    return actorOf(match);
  }
}

const actorOf = (entry: ApiKeyEntry): Actor => ({ name: entry.name, roles: [...entry.roles] });
