/**
 * How API keys are configured: one line per key, `name:role[+role…]:sha256hex` (the hash may
 * also be written `sha256:hex`), in API_KEYS (separated by commas or new lines) or in a key file
 * (one per line, # comments). Only hashes are ever configured. Pure parsing, so configuration
 * (src/config.ts) reads it without reaching into the HTTP layer's authentication.
 */
import { ROLE_NAME } from './roles';

export interface ApiKeyEntry {
  name: string;
  roles: string[];
  /** Hex SHA-256 of the key. */
  hash: string;
}

const KEY_NAME = /^[A-Za-z0-9_.@-]{1,100}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

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
