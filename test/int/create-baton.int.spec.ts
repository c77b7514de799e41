/**
 * createBaton({ workflows }): the standalone service from a few lines of a team's code, on the
 * configuration it is given, refusing duplicate workflow versions before it opens anything.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBaton, workflow } from '../../src';
import { workflows } from '../../examples/l2vpn/src';
import { call } from '../support/api';
import { TEST_API_KEYS_ENV } from '../support/auth';
import { freePort, startTestPostgres, TestDatabase, TestPostgres } from '../support/postgres';

jest.setTimeout(120_000);

describe('createBaton', () => {
  let postgres: TestPostgres;
  let db: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    db = await postgres.createTestDatabase({ migrate: false });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'create-baton-'));
  });
  afterAll(async () => {
    await db?.drop();
    await postgres?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = async () => ({
    PORT: String(await freePort()),
    DATABASE_URL: db.connectionString,
    DATA_DIR: dataDir,
    API_KEYS: TEST_API_KEYS_ENV,
    RUNNER_SIMULATOR: 'off',
    LOG_LEVEL: 'error',
  });

  it('serves the workflows it is given', async () => {
    const baton = await createBaton({ workflows, env: await env() });
    try {
      const listed = await call('GET', `${baton.url}/api/workflows`);
      expect(listed.status).toBe(200);
      expect(listed.body.map((w: { name: string }) => w.name)).toEqual(['create_l2vpn']);
    } finally {
      await baton.close();
    }
  });

  it('refuses two definitions of one version before it starts', async () => {
    const twin = workflow({ ...workflows[0], description: 'twin' });
    await expect(
      createBaton({ workflows: [workflows[0], twin], env: await env() }),
    ).rejects.toThrow('Workflow create_l2vpn v1 is defined twice');
  });
});
