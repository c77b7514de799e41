/** LEDGER_DIGEST_EVERY and the signing key's sources, including the generated development key. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseDigestEvery } from '../../src/application/ledger/ledger-settings';
import { keyIdOf } from '../../src/application/ledger/signed-digest';
import { loadConfig } from '../../src/config';
import {
  DEV_KEY_FILE,
  DEV_PUBLIC_KEY_FILE,
  chooseLedgerKey,
} from '../../src/infrastructure/ledger-keys';

describe('LEDGER_DIGEST_EVERY', () => {
  it('takes events and/or seconds, defaulting to 1000 events or 60 s', () => {
    expect(parseDigestEvery(undefined)).toEqual({
      digestEveryEvents: 1000,
      digestEverySeconds: 60,
    });
    expect(parseDigestEvery('500')).toEqual({ digestEveryEvents: 500, digestEverySeconds: 0 });
    expect(parseDigestEvery('10s')).toEqual({ digestEveryEvents: 0, digestEverySeconds: 10 });
    expect(parseDigestEvery(' 200 , 5s ')).toEqual({
      digestEveryEvents: 200,
      digestEverySeconds: 5,
    });
    for (const bad of ['0', 'x', '10m', '-1', '1,2,3s,']) {
      expect(() => parseDigestEvery(bad)).toThrow(/LEDGER_DIGEST_EVERY/);
    }
  });

  it('is read by the configuration, with the key from one source only', () => {
    const pem = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const config = loadConfig({ LEDGER_DIGEST_EVERY: '50,2s', LEDGER_SIGNING_KEY: pem }, false);
    expect(config.ledgerDigestEvery).toEqual({ digestEveryEvents: 50, digestEverySeconds: 2 });
    expect(config.ledgerSigningKey?.source).toBe('LEDGER_SIGNING_KEY');
    expect(() =>
      loadConfig({ LEDGER_SIGNING_KEY: pem, LEDGER_SIGNING_KEY_FILE: '/x' }, false),
    ).toThrow(/not both/);
  });
});

describe('the ledger signing key', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'baton-ledger-key-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('generates a development key pair once under DATA_DIR, owner-only, and says so', async () => {
    const first = await chooseLedgerKey(null, dir, true);
    expect(first.messages.join()).toMatch(/generated a development signing key pair/);
    expect((await stat(path.join(dir, DEV_KEY_FILE))).mode & 0o777).toBe(0o600);
    const publicPem = await readFile(path.join(dir, DEV_PUBLIC_KEY_FILE), 'utf8');
    expect(keyIdOf(publicPem)).toBe(keyIdOf(first.key!));
    const again = await chooseLedgerKey(null, dir, true);
    expect(keyIdOf(again.key!)).toBe(keyIdOf(first.key!));
    expect(again.messages.join()).toMatch(/development key in/);
    expect(JSON.stringify(again.messages)).not.toContain('PRIVATE KEY');
  });

  it('generates nothing outside the embedded development set-up: no key, no digest', async () => {
    const choice = await chooseLedgerKey(null, dir, false);
    expect(choice.key).toBeNull();
    expect(choice.messages.join()).toMatch(/no digest is signed/);
  });

  it('takes a configured Ed25519 key and refuses any other kind', async () => {
    const ed = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(
      (await chooseLedgerKey({ pem: ed, source: 'LEDGER_SIGNING_KEY' }, dir, true)).key,
    ).not.toBeNull();
    await expect(
      chooseLedgerKey({ pem: rsa, source: 'LEDGER_SIGNING_KEY' }, dir, true),
    ).rejects.toThrow(/Ed25519/);
    await expect(
      chooseLedgerKey({ pem: 'nope', source: 'LEDGER_SIGNING_KEY' }, dir, true),
    ).rejects.toThrow(/PEM private key/);
  });
});
