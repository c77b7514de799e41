/**
 * The process list projection on PostgreSQL: rows follow the processes event by event, the
 * ETag of the detail follows the revision, and a rebuild from the store yields exactly the rows
 * the live projection wrote.
 */
import { ProcessSummaryProjection } from '../../src/application/projections/process-summary.projection';
import { rebuild } from '../../src/application/projections/rebuild';
import { PgProcessSummaryStore } from '../../src/infrastructure/postgres/pg-process-summaries';
import { buildWorkflowRegistry } from '../support/l2vpn-registry';
import { FAILURE, L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { startPgTestApp } from '../support/pg-app';

type PgTestApp = Awaited<ReturnType<typeof startPgTestApp>>;

describe('process summary projection on PostgreSQL', () => {
  let t: PgTestApp;
  let client: ReturnType<typeof api>;

  beforeAll(async () => {
    t = await startPgTestApp();
    client = api(t.url);
  });
  afterAll(() => t?.close());

  const rows = async () =>
    (await t.pg.db.pool.query('SELECT * FROM process_summaries ORDER BY process_id')).rows;

  const caughtUp = async (ids: string[]) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const current = await rows();
      const details = await Promise.all(ids.map((id) => client.detail(id)));
      const done = details.every((d) =>
        current.some((r) => r.process_id === d.body.id && r.revision === d.body.revision),
      );
      if (done) return current;
      if (Date.now() > deadline) throw new Error('projection did not catch up');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('keeps one row per process at its latest revision, and a rebuild writes the same rows', async () => {
    const started = async () => (await client.start('create_l2vpn', L2VPN_INPUT)).body.id as string;
    const completedId = await started();
    await client.awaitingCallback(completedId);
    await client.callback(await t.remote.callbackUrl(), SUCCESS);
    await client.waitFor(completedId, (d) => d.status === 'suspended');
    await client.resume(completedId);
    await client.waitFor(completedId, (d) => d.status === 'completed');

    const failedId = await started();
    await client.awaitingCallback(failedId);
    await client.callback(await t.remote.callbackUrl(), FAILURE);
    await client.waitFor(failedId, (d) => d.status === 'failed');

    const waitingId = await started();
    await client.awaitingCallback(waitingId);

    const live = await caughtUp([completedId, failedId, waitingId]);
    expect(live.map((r) => [r.process_id, r.status])).toEqual(
      expect.arrayContaining([
        [completedId, 'completed'],
        [failedId, 'failed'],
        [waitingId, 'awaiting_callback'],
      ]),
    );
    expect(live.find((r) => r.process_id === failedId)?.failed_reason).toBe('Callback failure');

    const summaries = new PgProcessSummaryStore(t.pg.db.pool);
    const result = await rebuild(
      t.adapters.eventStore,
      [new ProcessSummaryProjection(summaries, buildWorkflowRegistry())],
      { batchSize: 7 }, // several pages, and processes split across them
    );
    expect(result.events).toBeGreaterThan(20);
    expect(await rows()).toEqual(live);
    expect(await summaries.position()).toBe(await t.adapters.eventStore.headPosition());
  });

  it('tags the detail with its revision and answers 304 while it is unchanged', async () => {
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    const detail = await client.awaitingCallback(body.id);
    const first = await call('GET', `${t.url}/api/processes/${body.id}`);
    const etag = first.headers!.get('etag');
    expect(etag).toBe(`"d1.${body.id}.${detail.revision}"`);

    const again = await call('GET', `${t.url}/api/processes/${body.id}`, undefined, {
      'if-none-match': etag!,
    });
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();

    await client.callback(await t.remote.callbackUrl(), SUCCESS);
    await client.waitFor(body.id, (d) => d.status === 'suspended');
    const changed = await call('GET', `${t.url}/api/processes/${body.id}`, undefined, {
      'if-none-match': etag!,
    });
    expect(changed.status).toBe(200);
    expect(changed.body.status).toBe('suspended');
  });
});
