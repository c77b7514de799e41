/**
 * How `npm start` (src/main.ts, as a real child process) behaves about credentials and the
 * simulator: with nothing configured it listens on loopback, prints a generated admin key once
 * and keeps only its hash; it refuses a non-loopback HOST without credentials, and production
 * without a real runner; the simulator announces itself at start-up and in /health.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashApiKey } from '../../src/interfaces/auth/api-keys';
import { LOCAL_ADMIN_KEY_FILE } from '../../src/interfaces/auth/local-admin-key';
import { call } from '../support/api';
import { TestDatabase, TestPostgres, freePort, startTestPostgres } from '../support/postgres';
import { startServiceProcess } from '../support/service-process';

jest.setTimeout(180_000);

const refusal = async (env: Record<string, string>): Promise<string> => {
  const error = await startServiceProcess(env, 60_000).then(
    () => new Error('the service started'),
    (e: Error) => e,
  );
  return error.message;
};

describe('start-up security (real child process)', () => {
  let postgres: TestPostgres;
  let db: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    db = await postgres.createTestDatabase();
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'baton-startup-'));
  });
  afterAll(async () => {
    await db?.drop();
    await postgres?.cleanup();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a non-loopback HOST without credentials, with a clear message', async () => {
    const message = await refusal({
      PORT: String(await freePort()),
      HOST: '0.0.0.0',
      API_KEYS: '',
    });
    expect(message).toContain('service exited during start-up');
    expect(message).toContain(
      'HOST=0.0.0.0 is reachable from other machines, but no credentials are configured',
    );
  });

  it('refuses NODE_ENV=production without ANSIBLE_PROXY_URL', async () => {
    const message = await refusal({ PORT: String(await freePort()), NODE_ENV: 'production' });
    expect(message).toContain('NODE_ENV=production needs ANSIBLE_PROXY_URL');
  });

  it('prints a generated admin key once, keeps only its hash, and announces the simulator', async () => {
    const port = String(await freePort());
    const env = {
      PORT: port,
      API_KEYS: '',
      DATA_DIR: dataDir,
      DATABASE_URL: db.connectionString,
      SIMULATOR_PORT: String(await freePort()),
    };
    const first = await startServiceProcess(env);
    let key = '';
    try {
      const printed = first.output().match(/baton_[A-Za-z0-9_-]{43}/g) ?? [];
      expect(printed).toHaveLength(1);
      key = printed[0] ?? '';
      expect(first.output()).toContain(
        'No API_KEYS or OIDC configured: Baton listens on this machine only.',
      );
      expect(first.output()).toContain('bundled LSO runner SIMULATOR');
      const health = await call('GET', `${first.url}/health`, undefined, {}, { key: null });
      expect(health.body.runnerSimulator.warning).toContain('without running any playbook');
      expect(
        (await call('GET', `${first.url}/api/workflows`, undefined, {}, { key: null })).status,
      ).toBe(401);
      expect((await call('GET', `${first.url}/api/workflows`, undefined, {}, { key })).status).toBe(
        200,
      );
      const stored = await fs.readFile(path.join(dataDir, LOCAL_ADMIN_KEY_FILE), 'utf8');
      expect(stored).not.toContain(key);
      expect(stored).toContain(`local-admin:admin:${hashApiKey(key)}`);
    } finally {
      await first.kill('SIGTERM');
    }
    const second = await startServiceProcess(env);
    try {
      expect(second.output()).not.toContain(key);
      expect(second.output()).not.toMatch(/baton_[A-Za-z0-9_-]{43}/);
      expect(
        (await call('GET', `${second.url}/api/workflows`, undefined, {}, { key })).status,
      ).toBe(200);
    } finally {
      await second.kill('SIGTERM');
    }
  });
});
