/**
 * /health/live and /health/ready over real HTTP on PostgreSQL: ready means the store answers,
 * every migration of this build is applied and the process list trails the store by no more than
 * the configured bound; each way of failing is provoked for real and named in the 503.
 */
import { ProcessSummaryStore } from '../../src/application/ports/process-summaries';
import { StagedWrite, WriteUnit } from '../../src/application/ports/read-model-store';
import { PgProcessSummaryStore } from '../../src/infrastructure/postgres/pg-process-summaries';
import { call, api, L2VPN_INPUT } from '../support/api';
import { PgFixture, startPgFixture } from '../support/pg-app';
import { startTestApp, TestApp } from '../support/test-app';

/** A process list whose writes can be held back, to make the projection fall behind at will. */
class GatedSummaries {
  private gate: Promise<void> | null = null;
  private open: () => void = () => undefined;

  constructor(readonly store: ProcessSummaryStore) {}

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.gate = null;
    this.open();
  }

  wrap(): ProcessSummaryStore {
    const store = this.store;
    const held = async () => {
      while (this.gate) await this.gate;
    };
    // A batch is staged by each read model and committed together by unit; the list's staged
    // writes get a unit of their own that waits at the gate, so only the list falls behind.
    const originals = new WeakMap<StagedWrite, StagedWrite>();
    const gatedUnit: WriteUnit = {
      commit: async (writes) => {
        await held();
        const real = writes.map((w) => originals.get(w)!);
        await real[0]?.unit.commit(real);
      },
    };
    return new Proxy(store, {
      get: (target, name, receiver) => {
        if (name === 'write')
          return async (...args: Parameters<ProcessSummaryStore['write']>) => {
            await held();
            return store.write(...args);
          };
        if (name === 'stage')
          return (...args: Parameters<ProcessSummaryStore['stage']>): StagedWrite => {
            const staged: StagedWrite = { unit: gatedUnit };
            originals.set(staged, store.stage(...args));
            return staged;
          };
        return Reflect.get(target, name, receiver) as unknown;
      },
    });
  }
}

const MAX_LAG_MS = 1500;

let pg: PgFixture;
let app: TestApp;
let summaries: GatedSummaries;

beforeAll(async () => {
  pg = await startPgFixture();
  summaries = new GatedSummaries(new PgProcessSummaryStore(pg.db.pool));
  app = await startTestApp({
    pool: pg.db.pool,
    adapters: { summaries: summaries.wrap() },
  });
  app.adapters.runtime.maxProjectionLagMs = MAX_LAG_MS;
}, 120_000);

// A test that fails while the list is held must not fail every readiness check after it.
afterEach(() => summaries?.release());

afterAll(async () => {
  await app?.close();
  await pg?.close();
});

const waitFor = async <T>(probe: () => Promise<T>, until: (value: T) => boolean): Promise<T> => {
  const deadline = Date.now() + 30_000;
  let last = await probe();
  while (!until(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
};

describe('health probes', () => {
  it('live answers 200 and the original GET /health still answers as before', async () => {
    const live = await call('GET', `${app.url}/health/live`);
    expect(live).toEqual({
      status: 200,
      body: { status: 'ok', info: {}, error: {}, details: {} },
    });
    const legacy = await call('GET', `${app.url}/health`);
    expect(legacy.status).toBe(200);
    expect(legacy.body).toMatchObject({
      status: 'ok',
      headPosition: expect.any(Number),
      details: { runner: { name: 'runner' } },
    });
  });

  it('ready answers 200 with each check up while the projection keeps up', async () => {
    const { start } = api(app.url);
    const started = await start('create_l2vpn', L2VPN_INPUT);
    expect(started.status).toBe(201);
    const ready = await waitFor(
      () => call('GET', `${app.url}/health/ready`),
      (r) => r.status === 200,
    );
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
    expect(ready.body.details.eventStore).toEqual({
      status: 'up',
      headPosition: expect.any(Number),
    });
    expect(ready.body.details.eventStore.headPosition).toBeGreaterThan(0);
    expect(ready.body.details.migrations).toEqual({ status: 'up' });
    expect(ready.body.details.projections).toMatchObject({
      status: 'up',
      maxLagMs: MAX_LAG_MS,
      lagMs: { 'process-summaries': expect.any(Number), runner: expect.any(Number) },
    });
  });

  it('ready answers 503 naming the projection that trails beyond the bound, then recovers', async () => {
    summaries.hold();
    const { start } = api(app.url);
    expect((await start('create_l2vpn', { ...L2VPN_INPUT, vlan: 101 })).status).toBe(201);
    // Each read model crosses the bound by its own clock: on a busy machine the first 503 can
    // come a moment before the last of them is named.
    const behind = await waitFor(
      () => call('GET', `${app.url}/health/ready`),
      (r) => r.status === 503 && r.body.error?.projections?.behind?.length === 3,
    );
    expect(behind.status).toBe(503);
    expect(behind.body.status).toBe('error');
    expect(behind.body.error.projections).toMatchObject({ status: 'down', maxLagMs: MAX_LAG_MS });
    // The read models share one lane and one write per batch: a list that cannot write holds
    // the audit and step log with it, and each is named. The runner is not behind.
    expect([...behind.body.error.projections.behind].sort()).toEqual(
      ['callback-audit', 'process-summaries', 'step-log'].sort(),
    );
    expect(behind.body.error.projections.lagMs['process-summaries']).toBeGreaterThan(MAX_LAG_MS);
    // The other checks still pass and are reported as such.
    expect(behind.body.info.eventStore.status).toBe('up');
    expect(behind.body.info.migrations.status).toBe('up');
    // Liveness is not readiness: the process itself is fine.
    expect((await call('GET', `${app.url}/health/live`)).status).toBe(200);

    summaries.release();
    const caughtUp = await waitFor(
      () => call('GET', `${app.url}/health/ready`),
      (r) => r.status === 200,
    );
    expect(caughtUp.status).toBe(200);
  });

  it('ready answers 503 listing migrations the database has not applied', async () => {
    const removed = await pg.db.pool.query<{ version: number; name: string }>(
      'DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations) RETURNING version, name',
    );
    const { version, name } = removed.rows[0];
    try {
      const ready = await call('GET', `${app.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(ready.body.error.migrations).toEqual({ status: 'down', missing: [version] });
    } finally {
      await pg.db.pool.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        version,
        name,
      ]);
    }
    expect((await call('GET', `${app.url}/health/ready`)).status).toBe(200);
  });

  it('ready answers 503 while PostgreSQL is down and 200 once it is back; live stays 200', async () => {
    await pg.postgres.stop();
    try {
      const down = await call('GET', `${app.url}/health/ready`);
      expect(down.status).toBe(503);
      expect(down.body.error.eventStore.status).toBe('down');
      expect(down.body.error.eventStore.message).toMatch(/^unreachable: /);
      expect(down.body.error.migrations.status).toBe('down');
      expect((await call('GET', `${app.url}/health/live`)).status).toBe(200);
    } finally {
      await pg.postgres.start();
    }
    const back = await waitFor(
      () => call('GET', `${app.url}/health/ready`),
      (r) => r.status === 200,
    );
    expect(back.status).toBe(200);
  });
});
