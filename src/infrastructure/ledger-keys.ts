/**
 * The ledger's Ed25519 signing key: from LEDGER_SIGNING_KEY (PEM) or LEDGER_SIGNING_KEY_FILE,
 * else, for the embedded development set-up only, a key pair generated once under DATA_DIR
 * (ledger-signing-key.pem, readable by the owner only, next to ledger-public-key.pem). Never
 * stored in the database, never logged: only its public half and key id are printed.
 */
import { KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { keyIdOf, publicKeyPem } from '../application/ledger/signed-digest';

export interface LedgerKeyChoice {
  key: KeyObject | null;
  /** What to tell the operator at start-up (no secret in it). */
  messages: string[];
}

export const parseSigningKey = (pem: string, source: string): KeyObject => {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error(`${source} must hold a PEM private key (PKCS#8)`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`${source} must be an Ed25519 key, not ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
};

export const DEV_KEY_FILE = 'ledger-signing-key.pem';
export const DEV_PUBLIC_KEY_FILE = 'ledger-public-key.pem';

/** `embeddedDev`: the embedded PostgreSQL outside production, where a key may be generated. */
export const chooseLedgerKey = async (
  configured: { pem: string; source: string } | null,
  dataDir: string,
  embeddedDev: boolean,
): Promise<LedgerKeyChoice> => {
  if (configured) {
    const key = parseSigningKey(configured.pem, configured.source);
    return { key, messages: [`ledger digests signed with the key from ${configured.source}`] };
  }
  if (!embeddedDev) {
    return {
      key: null,
      messages: [
        'ledger: no LEDGER_SIGNING_KEY or LEDGER_SIGNING_KEY_FILE, so no digest is signed (the tree is kept)',
      ],
    };
  }
  const file = path.join(dataDir, DEV_KEY_FILE);
  if (existsSync(file)) {
    const key = parseSigningKey(await readFile(file, 'utf8'), file);
    return { key, messages: [`ledger digests signed with the development key in ${file}`] };
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(path.join(dataDir, DEV_PUBLIC_KEY_FILE), publicKeyPem(privateKey));
  return {
    key: privateKey,
    messages: [
      `ledger: generated a development signing key pair in ${dataDir} (${DEV_KEY_FILE}, ${DEV_PUBLIC_KEY_FILE}); set LEDGER_SIGNING_KEY_FILE to a key of your own for anything real`,
    ],
  };
};

/** The start-up line auditors copy: key id and public key. */
export const announcePublicKey = (key: KeyObject): string =>
  `ledger public key ${keyIdOf(createPublicKey(key))} (Ed25519; GET /api/ledger/keys):\n${publicKeyPem(key).trim()}`;
