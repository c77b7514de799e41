/**
 * Issue 16, item 2, with a real instance: processes run to completion; the instance stops; the
 * database is "restored" (the rows keep their positions, the transaction-id counter is fresh:
 * simulated by lowering the position base, which amounts to the same); a new instance starts.
 * It must raise the base, log and count it, and then new processes must be driven by the runner,
 * appear in the process list (projections) and in the event feed after the old head.
 */
import { call, request } from '../support/api';
import { PgFixture, startPgFixture } from '../support/pg-app';
import { ServiceProcess } from '../support/service-process';
import { CallingLso, startCallingLso } from './support/calling-lso';
import { ClusterClient, inParallel, startInstance } from './support/cluster';
import { checkCompletedHistory } from './support/history-checks';

const BEFORE = 10;
const AFTER = 10;

describe('a simulated logical restore', () => {
  let pg: PgFixture;
  let lso: CallingLso;
  let instance: ServiceProcess | undefined;

  beforeAll(async () => {
    pg = await startPgFixture();
    lso = await startCallingLso([]);
  });
  afterAll(async () => {
    await instance?.kill('SIGTERM');
    await lso?.close();
    await pg?.close();
  });

  const run = async (prefix: string, count: number) => {
    instance = await startInstance(pg.db.connectionString, lso.url);
    lso.targets.splice(0, lso.targets.length, instance.url);
    const client = new ClusterClient(() => [instance!.url]);
    const ids = await inParallel(count, 5, (i) => client.runL2vpn(`${prefix}-${i}`));
    return { client, ids };
  };

  it('raises the base at start-up; new processes are driven, listed and fed', async () => {
    await run('before', BEFORE);
    await instance!.kill('SIGTERM');
    const highest = Number(
      (await pg.db.pool.query('SELECT max(position) AS p FROM events')).rows[0].p,
    );
    await pg.db.pool.query('UPDATE events_position_base SET base = base - $1', [highest]);

    const t0 = Date.now();
    const { client, ids } = await run('after', AFTER);
    const wallMs = Date.now() - t0;
    const raised = instance!.output().match(/position base raised from (-?\d+) to (-?\d+)/);
    const problems = (
      await Promise.all(ids.map(async (id) => checkCompletedHistory(id, await client.events(id))))
    ).flatMap((f) => f.problems);
    // The list is a read model, a few milliseconds behind the store: wait (bounded) for it.
    const listedNow = async () => {
      const listed = await call('GET', `${instance!.url}/api/processes?status=completed&limit=100`);
      return ids.filter((id) =>
        listed.body.items.some((p: { processId: string }) => p.processId === id),
      );
    };
    let listedAfter = await listedNow();
    for (
      const deadline = Date.now() + 10_000;
      listedAfter.length < AFTER && Date.now() < deadline;
    ) {
      await new Promise((r) => setTimeout(r, 100));
      listedAfter = await listedNow();
    }
    const feed = await call('GET', `${instance!.url}/api/events?after=${highest}&limit=1000`);
    const fedProcesses = new Set(feed.body.events.map((e: { processId: string }) => e.processId));
    const metrics = await (await request('GET', `${instance!.url}/metrics`)).text();
    const counted = /baton_position_base_raises_total (\d+)/.exec(metrics)?.[1];
    console.log(
      `simulated restore: highest stored position ${highest}; base raised ${raised?.[1]} -> ` +
        `${raised?.[2]}; ${ids.length} new processes completed in ${wallMs} ms (start-up ` +
        `included), listed: ${listedAfter.length}, in the feed after the old head: ` +
        `${ids.filter((id) => fedProcesses.has(id)).length}, metric: ${counted}`,
    );
    expect(raised).not.toBeNull();
    expect(counted).toBe('1');
    expect(problems).toEqual([]);
    expect(listedAfter.length).toBe(AFTER);
    expect(ids.every((id) => fedProcesses.has(id))).toBe(true);
  });
});
