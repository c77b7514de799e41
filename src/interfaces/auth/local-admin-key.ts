/**
 * Zero-setup access for `npm start` on this machine: with no credentials configured, Baton
 * (which then listens on loopback only) makes one admin key, prints it once, and keeps only its
 * hash under DATA_DIR. Later starts read the hash and print nothing; the key is never logged.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiKeyEntry, apiKeyLine, parseApiKeyLines } from '../../domain/access/api-key-entries';
import { hashApiKey, newApiKey } from './api-keys';

export const LOCAL_ADMIN_KEY_FILE = 'local-admin-key.sha256';

export interface LocalAdminKey {
  entries: ApiKeyEntry[];
  /** Set only on the start that created the key: show it to the person, once. */
  createdKey: string | null;
  file: string;
}

export const ensureLocalAdminKey = async (dataDir: string): Promise<LocalAdminKey> => {
  const file = path.join(dataDir, LOCAL_ADMIN_KEY_FILE);
  const existing = await fs.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (existing !== null) {
    const entries = parseApiKeyLines(existing, file);
    if (entries.length > 0) return { entries, createdKey: null, file };
  }
  const key = newApiKey();
  const entry: ApiKeyEntry = { name: 'local-admin', roles: ['admin'], hash: hashApiKey(key) };
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(
    file,
    `# The admin key printed when Baton first started here (only its SHA-256 is kept).\n# Delete this file to get a new key on the next start.\n${apiKeyLine(entry)}\n`,
    { mode: 0o600 },
  );
  return { entries: [entry], createdKey: key, file };
};

export const announceLocalAdminKey = (key: string, file: string): string =>
  [
    '',
    '================================================================================',
    ' No API_KEYS or OIDC configured: Baton listens on this machine only.',
    ' Admin API key (shown this once, only its hash is kept):',
    '',
    `   ${key}`,
    '',
    ' Send it as "Authorization: Bearer <key>" or "X-API-Key: <key>".',
    ` Lost it? Delete ${file} and restart for a new one.`,
    '================================================================================',
    '',
  ].join('\n');
