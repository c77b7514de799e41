/**
 * API keys. Only their SHA-256 is ever configured or stored (a key is 32 random bytes, so a
 * fast hash is enough: there is nothing to guess); a presented key is hashed and compared with
 * every configured hash in constant time, so timing tells nothing about near misses.
 *
 * One line per key, `name:role[+role…]:sha256hex` (the hash may also be written `sha256:hex`),
 * in API_KEYS (separated by commas or new lines) or in a key file (one per line, # comments).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Actor, ROLE_NAME } from '../../domain/access/roles';

export interface ApiKeyEntry {
  name: string;
  roles: string[];
  /** Hex SHA-256 of the key. */
  hash: string;
}

const KEY_NAME = /^[A-Za-z0-9_.@-]{1,100}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');

/** A new key: printed once to whoever asked for it, stored only as its hash. */
export const newApiKey = (): string => `baton_${randomBytes(32).toString('base64url')}`;

export const apiKeyLine = (entry: ApiKeyEntry): string =>
  `${entry.name}:${entry.roles.join('+')}:${entry.hash}`;

/** Parses key lines; `source` names where they came from in error messages (never a hash). */
export const parseApiKeyLines = (text: string, source: string): ApiKeyEntry[] =>
  text
    .split(/[\n,]/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line.length > 0)
    .map((line, i) => {
      const parts = line.split(':');
      const [name, roles, ...hashParts] = parts;
      const hash = (hashParts[0] === 'sha256' ? hashParts.slice(1) : hashParts).join(':');
      const where = `${source}, entry ${i + 1}`;
      if (!KEY_NAME.test(name ?? ''))
        throw new Error(
          `${where}: expected name:role[+role]:sha256hex, with a name of letters, digits or _.@-`,
        );
      const roleList = (roles ?? '').split('+').filter((r) => r.length > 0);
      if (roleList.length === 0 || !roleList.every((r) => ROLE_NAME.test(r)))
        throw new Error(
          `${where} (${name}): roles must be like admin, operator, auditor or a lower-case team name`,
        );
      if (!HEX_SHA256.test(hash.toLowerCase()))
        throw new Error(
          `${where} (${name}): the key must be given as its SHA-256 in hex (64 characters), never in plain text`,
        );
      return { name, roles: roleList, hash: hash.toLowerCase() };
    });

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
