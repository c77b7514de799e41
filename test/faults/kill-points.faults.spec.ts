/**
 * SIGKILL at 20 distinct points of the seed workflow, chosen by event type (the n-th event of a
 * type in the process's history), never by sleeping: for each point a new process runs (its
 * first playbook run fails, the client retries it, then confirms), and the instance is killed
 * the moment the chosen event is in the store, then started again on the same port. Every
 * process completes with no lost and no doubled events.
 */
import { ServiceProcess } from '../support/service-process';
import { PgFixture, startPgFixture } from '../support/pg-app';
import { freePort } from '../support/postgres';
import { CallingLso, startCallingLso } from './support/calling-lso';
import { ClusterClient, startInstance } from './support/cluster';
import { StoredEvent, checkCompletedHistory } from './support/history-checks';

/** The failed-then-retried path of create_l2vpn, event by event. */
const POINTS: Array<[string, number]> = [
  ['ProcessStarted', 1],
  ['StepCompleted', 1],
  ['StepCompleted', 2],
  ['CallbackIssued', 1],
  ['CallbackActionCompleted', 1],
  ['CallbackProgressReported', 1],
  ['CallbackReceived', 1],
  ['StepFailed', 1],
  ['CallbackRevoked', 1],
  ['ProcessRetried', 1],
  ['CallbackIssued', 2],
  ['CallbackActionCompleted', 2],
  ['CallbackProgressReported', 2],
  ['CallbackReceived', 2],
  ['StepCompleted', 3],
  ['InputRequested', 1],
  ['ConfirmationGiven', 1],
  ['StepCompleted', 4],
  ['StepCompleted', 5],
  ['ProcessCompleted', 1],
];

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SIGKILL at 20 points of create_l2vpn', () => {
  let pg: PgFixture;
  let lso: CallingLso;
  let service: ServiceProcess | undefined;
  let port: number;

  beforeAll(async () => {
    pg = await startPgFixture();
    port = await freePort();
    lso = await startCallingLso([`http://127.0.0.1:${port}`], {
      delayMs: 300,
      failFirst: true,
      progress: true,
    });
  });

  afterAll(async () => {
    await service?.kill('SIGTERM');
    await lso?.close();
    await pg?.close();
  });

  const start = async () => {
    service = await startInstance(pg.db.connectionString, lso.url, {}, port);
  };

  /** Plays the client: retries a failure once, confirms the form, until completed. */
  const drive = async (client: ClusterClient, id: string): Promise<void> => {
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const { body } = await client.send('GET', `/api/processes/${id}`);
      if (body.status === 'completed') return;
      if (body.status === 'failed')
        await client.send('PUT', `/api/processes/${id}/retry`, undefined, {
          'idempotency-key': `${id}-retry`,
        });
      if (body.status === 'suspended')
        await client.send(
          'PUT',
          `/api/processes/${id}/resume`,
          {},
          {
            'idempotency-key': `${id}-confirm`,
          },
        );
      await pause(50);
    }
    throw new Error(`process ${id} did not complete`);
  };

  it('completes every process with no lost and no doubled events', async () => {
    await start();
    const client = new ClusterClient(() => [`http://127.0.0.1:${port}`]);
    const problems: string[] = [];
    const restartsMs: number[] = [];
    for (const [index, [type, occurrence]] of POINTS.entries()) {
      const started = await client.send(
        'POST',
        '/api/processes/create_l2vpn',
        {
          customer: 'ACME',
          vlan: 100 + index,
          site_a: 'ams-r1',
          interface_a: 'xe-0/0/1',
          site_b: 'lon-r2',
          interface_b: 'xe-0/0/2',
        },
        { 'idempotency-key': `point-${index}` },
      );
      const id = started.body.id as string;
      const driving = drive(client, id);
      // Kill the moment the chosen event is stored.
      let before: StoredEvent[] = [];
      for (;;) {
        before = await client.events(id);
        if (before.filter((e) => e.type === type).length >= occurrence) break;
        await pause(10);
      }
      await service!.kill('SIGKILL');
      const down = Date.now();
      await start();
      restartsMs.push(Date.now() - down);
      await driving;
      const after = await client.events(id);
      // Everything stored before the kill is still there, in place.
      const kept = after.slice(0, before.length).map((e) => e.eventId);
      if (kept.join() !== before.map((e) => e.eventId).join())
        problems.push(`${id} (${type} #${occurrence}): history changed across the kill`);
      problems.push(
        ...checkCompletedHistory(id, after).problems.filter(
          (p) => !/ProcessStarted|CallbackReceived/.test(p),
        ),
      );
      // This path has two runs: each accepted token at most once, one successful result.
      const received = after.filter((e) => e.type === 'CallbackReceived');
      if (new Set(received.map((e) => e.data.tokenId)).size !== received.length)
        problems.push(`${id}: a token received twice`);
      if (after.filter((e) => e.type === 'ProcessStarted').length !== 1)
        problems.push(`${id}: started more than once`);
    }
    console.log(
      `kill points: ${POINTS.length} processes, ${POINTS.length} SIGKILLs, problems: ${problems.length}, ` +
        `restart ${Math.min(...restartsMs)}-${Math.max(...restartsMs)} ms`,
    );
    expect(problems).toEqual([]);
  });
});
