/**
 * Two instances on one PostgreSQL: the read-model projections run on exactly one of them (the
 * advisory-lock role the process list had), both serve the read models, the other refuses an
 * online rebuild, and when the owner stops the other takes the projections over from the
 * stored checkpoints.
 */
import { Pool } from 'pg';
import { ProjectionRunner } from '../../src/application/projections/projection-runner';
import { PgAdvisoryOwnership } from '../../src/infrastructure/postgres/pg-advisory-ownership';
import { L2VPN_INPUT, api, call } from '../support/api';
import { PgFixture, startPgFixture } from '../support/pg-app';
import { testPool } from '../support/postgres';
import { TestApp, startTestApp } from '../support/test-app';

const waitUntil = async (what: string, check: () => Promise<boolean>, ms = 30_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('read-model projections on one instance at a time', () => {
  let pg: PgFixture;
  const pools: Pool[] = [];
  const apps: TestApp[] = [];

  const startInstance = async () => {
    const pool = testPool(pg.db.connectionString, 10);
    pools.push(pool);
    const app = await startTestApp({
      pool,
      adapters: { ownership: new PgAdvisoryOwnership(pool, { checkEveryMs: 100 }) },
    });
    apps.push(app);
    return app;
  };
  const runs = (t: TestApp) => t.app.get(ProjectionRunner).running;
  const listed = async (t: TestApp, id: string) =>
    (await call('GET', `${t.url}/api/processes?limit=200`)).body.items.some(
      (i: { processId: string }) => i.processId === id,
    );

  beforeAll(async () => {
    pg = await startPgFixture();
  });
  afterAll(async () => {
    for (const t of apps) await t.close().catch(() => undefined);
    for (const pool of pools) await pool.end();
    await pg.close();
  });

  it('runs them on one instance, lists everywhere, and hands them over when it stops', async () => {
    const first = await startInstance();
    const second = await startInstance();
    await waitUntil('one instance to take the role', async () => runs(first) || runs(second));
    // Give the other a few ownership rounds: it must not take the role as well.
    await new Promise((r) => setTimeout(r, 500));
    expect([runs(first), runs(second)].filter(Boolean)).toHaveLength(1);
    const [owner, other] = runs(first) ? [first, second] : [second, first];

    // Started through the instance that does not run the projections, listed by both.
    const { body } = await api(other.url).start('create_l2vpn', L2VPN_INPUT);
    await waitUntil('the list on both', async () =>
      (await Promise.all([listed(owner, body.id), listed(other, body.id)])).every(Boolean),
    );
    const steps = await call('GET', `${other.url}/api/processes/${body.id}/steps`);
    expect(steps.status).toBe(200);

    const refused = await call('POST', `${other.url}/api/admin/projections/step-log/rebuild`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/does not run the projections/);

    await owner.close();
    apps.splice(apps.indexOf(owner), 1);
    await waitUntil('the other instance to take the role', async () => runs(other));
    const { body: later } = await api(other.url).start('create_l2vpn', L2VPN_INPUT);
    await waitUntil('the list after the handover', () => listed(other, later.id));
  }, 120_000);
});
