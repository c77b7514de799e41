/**
 * /metrics over real HTTP on PostgreSQL after a scripted set of callbacks: every callback
 * outcome is counted once with its reason, steps and appends are timed, processes are counted
 * by status from the read model, and the projection lag is exported.
 */
import { ProcessRunner } from '../../src/application/runner/process-runner';
import { PgAdvisoryOwnership } from '../../src/infrastructure/postgres/pg-advisory-ownership';
import { runMigrations } from '../../src/infrastructure/postgres/migrations';
import { ALL_MIGRATIONS } from '../../src/infrastructure/postgres/schema';
import { L2VPN_INPUT, SUCCESS, api, call, request } from '../support/api';
import { PgFixture, startPgTestApp } from '../support/pg-app';
import { Sample, parseExposition, seriesOf, valueOf } from '../support/prometheus';
import { TestApp, startTestApp } from '../support/test-app';

let t: TestApp & { pg: PgFixture };
let client: ReturnType<typeof api>;

beforeAll(async () => {
  t = await startPgTestApp();
  client = api(t.url);
}, 120_000);
afterAll(() => t?.close());

const scrape = async (url = t.url): Promise<{ contentType: string | null; samples: Sample[] }> => {
  const response = await request('GET', `${url}/metrics`);
  expect(response.status).toBe(200);
  return {
    contentType: response.headers.get('content-type'),
    samples: parseExposition(await response.text()),
  };
};

const startAndAwait = async (vlan: number) => {
  const { body } = await client.start('create_l2vpn', { ...L2VPN_INPUT, vlan });
  await client.awaitingCallback(body.id);
  return { id: body.id as string, callbackUrl: await t.remote.callbackUrl() };
};

describe('Prometheus metrics', () => {
  it('counts callbacks by outcome and reason, times steps and appends, counts processes', async () => {
    const before = await scrape();
    expect(before.contentType).toMatch(/^text\/plain;/);
    expect(before.contentType).toContain('version=0.0.4');
    expect(valueOf(before.samples, 'baton_ownership_takeovers_total')).toBe(0);
    expect(valueOf(before.samples, 'baton_event_store_up')).toBe(1);

    // A: accepted, re-delivered, contradicted, then an unknown token; confirmed to the end.
    const a = await startAndAwait(100);
    expect((await client.callback(a.callbackUrl, SUCCESS)).body).toEqual({ status: 'accepted' });
    expect((await client.callback(a.callbackUrl, SUCCESS)).body).toEqual({ status: 'duplicate' });
    expect((await client.callback(a.callbackUrl, { ...SUCCESS, output: 'x' })).status).toBe(409);
    expect((await client.callback(`${a.callbackUrl}x`, SUCCESS)).status).toBe(404);
    await client.waitFor(a.id, (d) => d.status === 'suspended');
    expect((await client.resume(a.id)).status).toBe(204);
    await client.waitFor(a.id, (d) => d.status === 'completed');

    // B: aborted while awaiting its callback, which then arrives too late.
    const b = await startAndAwait(101);
    expect((await client.abort(b.id, 'changed my mind')).status).toBe(204);
    expect((await client.callback(b.callbackUrl, SUCCESS)).status).toBe(410);

    let samples: Sample[] = [];
    const deadline = Date.now() + 30_000;
    do {
      samples = (await scrape()).samples;
      if (
        valueOf(samples, 'baton_processes', { status: 'completed' }) === 1 &&
        valueOf(samples, 'baton_processes', { status: 'aborted' }) === 1
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);

    const callbacks = (outcome: string, reason = '') =>
      valueOf(samples, 'baton_callbacks_total', { outcome, reason });
    expect(callbacks('issued')).toBe(2);
    expect(callbacks('received')).toBe(1);
    expect(callbacks('duplicate')).toBe(1);
    expect(callbacks('rejected', 'already_used')).toBe(1);
    expect(callbacks('rejected', 'unknown_token')).toBe(1);
    expect(callbacks('revoked', 'process aborted')).toBe(1);
    expect(callbacks('rejected', 'revoked')).toBe(1);
    expect(callbacks('expired')).toBeUndefined();

    // Every status is exported, zeros included, from the read model.
    expect(valueOf(samples, 'baton_processes', { status: 'completed' })).toBe(1);
    expect(valueOf(samples, 'baton_processes', { status: 'aborted' })).toBe(1);
    expect(valueOf(samples, 'baton_processes', { status: 'running' })).toBe(0);
    expect(seriesOf(samples, 'baton_processes')).toHaveLength(8);

    // Two callback actions (A and B) and A's validation ran; plain steps ran too.
    const stepCount = (kind: string) =>
      seriesOf(samples, 'baton_step_duration_seconds_count', {
        workflow: 'create_l2vpn',
        kind,
        outcome: 'completed',
      }).reduce((sum, s) => sum + s.value, 0);
    expect(stepCount('callback_action')).toBe(2);
    expect(stepCount('callback_validation')).toBe(1);
    expect(stepCount('step')).toBeGreaterThanOrEqual(4);
    const stepSeries = seriesOf(samples, 'baton_step_duration_seconds_count', { kind: 'step' });
    expect(stepSeries.map((s) => s.labels.step)).toContain('Construct L2VPN model');

    // Every event the scenario wrote went through a timed append.
    const appends = valueOf(samples, 'baton_event_append_duration_seconds_count', {
      outcome: 'ok',
    });
    expect(appends).toBeGreaterThanOrEqual(10);

    const head = valueOf(samples, 'baton_event_store_head_position');
    expect(head).toBeGreaterThan(0);
    const lag = valueOf(samples, 'baton_projection_lag_seconds', {
      projection: 'process-summaries',
      kind: 'projection',
    });
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(
      valueOf(samples, 'baton_projection_checkpoint_position', {
        projection: 'process-summaries',
        kind: 'projection',
      }),
    ).toBeLessThanOrEqual(head!);
    expect(
      valueOf(samples, 'baton_projection_lag_seconds', { projection: 'runner', kind: 'runner' }),
    ).toBeGreaterThanOrEqual(0);
    // Node's own figures come along.
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('is plain text a scraper can read even for an empty store, and not cached', async () => {
    const response = await request('GET', `${t.url}/metrics`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    expect(text).toContain('# TYPE baton_callbacks_total counter');
    expect(text).toContain('# TYPE baton_step_duration_seconds histogram');
    expect((await call('GET', `${t.url}/health/live`)).status).toBe(200);
  });

  it('counts partitions taken over after start-up, not those taken in the start-up round', async () => {
    // Two instances with advisory-lock ownership on a database of their own.
    const db = await t.pg.postgres.createTestDatabase({ migrate: false });
    await runMigrations(db.pool, ALL_MIGRATIONS);
    const instance = () =>
      startTestApp({
        pool: db.pool,
        adapters: {
          ownership: new PgAdvisoryOwnership(db.pool, { partitionCount: 4, checkEveryMs: 100 }),
        },
      });
    const held = (app: TestApp) => app.app.get(ProcessRunner).heldPartitions().length;
    const takeovers = async (app: TestApp) =>
      valueOf((await scrape(app.url)).samples, 'baton_ownership_takeovers_total');
    const until = async (condition: () => boolean) => {
      const deadline = Date.now() + 30_000;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error('condition not reached');
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const a = await instance();
    let b: TestApp | undefined;
    try {
      expect(held(a)).toBe(4);
      expect(await takeovers(a)).toBe(0); // the start-up round is no takeover

      b = await instance();
      const joined = b;
      await until(() => held(a) === 2 && held(joined) === 2);
      expect(await takeovers(a)).toBe(0); // handing back is no takeover either

      await b.close(); // a graceful stop hands its two partitions back
      b = undefined;
      await until(() => held(a) === 4);
      expect(await takeovers(a)).toBe(2);
    } finally {
      await b?.close();
      await a.close();
      await db.drop();
    }
  });
});
