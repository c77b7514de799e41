/**
 * The key that seals webhook secrets: WEBHOOK_SECRET_KEY(_FILE) when set; else, on the embedded
 * database (one instance, its own DATA_DIR), a key file made once under DATA_DIR (mode 0600),
 * next to but never inside the database. On an external database several instances may share
 * the subscriptions, and each would make a key of its own that the others cannot open: there,
 * webhooks wait until a key is configured. Losing the key means the stored secrets cannot be
 * opened: those subscriptions' deliveries fail until they are made again.
 */
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { SecretBox } from '../../application/ports/webhook-store';
import { IllegalStateError } from '../../domain/errors';
import { AesSecretBox, SECRET_KEY_BYTES } from './aes-secret-box';

const NO_SHARED_KEY =
  'Webhooks need WEBHOOK_SECRET_KEY or WEBHOOK_SECRET_KEY_FILE when DATABASE_URL is set: every instance must seal secrets with the same key';

/** Refuses to seal or open until a key is configured (external database, no key). */
export const unconfiguredSecretBox: SecretBox = {
  seal: () => {
    throw new IllegalStateError(NO_SHARED_KEY);
  },
  open: () => {
    throw new IllegalStateError(NO_SHARED_KEY);
  },
};

export const WEBHOOK_KEY_FILE = 'webhook-secret.key';

export const webhookSecretBox = async (
  configured: string | null,
  dataDir: string,
  sharedDatabase: boolean,
): Promise<{ box: SecretBox; source: string }> => {
  if (configured !== null)
    return {
      box: new AesSecretBox(AesSecretBox.parseKey(configured, 'WEBHOOK_SECRET_KEY')),
      source: 'WEBHOOK_SECRET_KEY',
    };
  if (sharedDatabase)
    return {
      box: unconfiguredSecretBox,
      source: 'nowhere: set WEBHOOK_SECRET_KEY to use webhooks',
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
