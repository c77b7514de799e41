/**
 * The key that seals webhook secrets: WEBHOOK_SECRET_KEY(_FILE) when set, else a key file made
 * once under DATA_DIR (mode 0600), next to but never inside the database. Losing the key means
 * subscriptions' secrets cannot be opened: their deliveries fail until they are made again.
 */
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { AesSecretBox, SECRET_KEY_BYTES } from './aes-secret-box';

export const WEBHOOK_KEY_FILE = 'webhook-secret.key';

export const webhookSecretBox = async (
  configured: string | null,
  dataDir: string,
): Promise<{ box: AesSecretBox; source: string }> => {
  if (configured !== null)
    return {
      box: new AesSecretBox(AesSecretBox.parseKey(configured, 'WEBHOOK_SECRET_KEY')),
      source: 'WEBHOOK_SECRET_KEY',
    };
  const file = path.join(dataDir, WEBHOOK_KEY_FILE);
  const existing = await fs.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (existing !== null)
    return { box: new AesSecretBox(AesSecretBox.parseKey(existing, file)), source: file };
  const key = randomBytes(SECRET_KEY_BYTES);
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { box: new AesSecretBox(key), source: `${file} (new)` };
};
