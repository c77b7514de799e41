/**
 * An event this version cannot read (as a newer version writes during a rolling deploy), put
 * into one running process's stream behind the back of a real Baton child process: that process
 * is parked with the reason visible in the API, every other process runs to completion with a
 * clean history, and the service keeps answering — no 5xx to clients or to the calling LSO.
 * test/int/poison-events.int.spec.ts checks the same in-process; this one goes through the
 * compiled service, the PostgreSQL NOTIFY path and a remote that calls back by itself.
 */
import { Answer, L2VPN_INPUT, call } from '../support/api';
import { ServiceProcess } from '../support/service-process';
import { PgFixture, startPgFixture } from '../support/pg-app';
import { PgEventStore } from '../../src/infrastructure/postgres/pg-event-store';
import { CallingLso, startCallingLso } from './support/calling-lso';
import { ClusterClient, inParallel, startInstance } from './support/cluster';
import { checkCompletedHistory } from './support/history-checks';

const PROCESSES = 10;
const UNKNOWN_TYPE = 'FutureEventFromV9';

/** Records every answer that was no answer or a 5xx before retrying as the base client does. */
class WatchingClient extends ClusterClient {
  readonly serverErrors: string[] = [];

  override async send(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    timeoutMs?: number,
  ): Promise<Answer> {
    const first = await call(method, `${this.alive()[0]}${path}`, body, headers).catch(() => ({
      status: 0,
      body: null,
    }));
    if (first.status !== 0 && first.status < 500) return first;
    this.serverErrors.push(`${method} ${path}: ${first.status}`);
    return super.send(method, path, body, headers, timeoutMs);
  }
}

describe('an unknown event type in one running stream (child process)', () => {
  let pg: PgFixture;
  let lso: CallingLso;
  let service: ServiceProcess;

  beforeAll(async () => {
    pg = await startPgFixture();
    // Callbacks come a while after the request, so the poisoned process is still waiting for
    // its callback when the unknown event lands.
    lso = await startCallingLso([], { delayMs: 1500 });
    service = await startInstance(pg.db.connectionString, lso.url);
    lso.targets.push(service.url);
  });

  afterAll(async () => {
    await service?.kill('SIGTERM');
    await lso?.close();
    await pg?.close();
  });

  it('parks that process, completes every other one, and never answers 5xx', async () => {
    const client = new WatchingClient(() => [service.url]);
    const t0 = Date.now();

    const started = await client.send('POST', '/api/processes/create_l2vpn', L2VPN_INPUT, {
      'idempotency-key': 'poisoned',
    });
    expect(started.status).toBe(201);
    const poisoned = started.body.id as string;
    await client.waitForStatus(poisoned, 'awaiting_callback');

    // Written by a store of the test's own on the same database, as another version would;
    // its NOTIFY wakes the service like any other append.
    const store = new PgEventStore(pg.db.pool);
    try {
      await store.append(
        `process-${poisoned}`,
        [
          {
            type: UNKNOWN_TYPE,
            data: { via: 'par-r3' },
            metadata: {
              at: new Date().toISOString(),
              actor: 'baton-v9',
              correlationId: 'rolling-deploy',
              causationId: null,
              schemaVersion: 9,
            },
          },
        ],
        'any',
      );
    } finally {
      await store.close();
    }

    // The others start after the poison and run while the parked process sits next to them.
    const others = await inParallel(PROCESSES - 1, 4, (i) => client.runL2vpn(`other-${i}`));

    const parkedDeadline = Date.now() + 120_000;
    let detail = (await client.send('GET', `/api/processes/${poisoned}`)).body;
    while (!detail?.parked && Date.now() < parkedDeadline) {
      await new Promise((r) => setTimeout(r, 100));
      detail = (await client.send('GET', `/api/processes/${poisoned}`)).body;
    }
    expect(detail.parked?.reason).toMatch(UNKNOWN_TYPE);
    expect(detail.status).not.toBe('completed');
    const poisonedTypes = (await client.events(poisoned)).map((e) => e.type);
    expect(poisonedTypes.filter((type) => type === 'ProcessParked')).toHaveLength(1);
    expect(poisonedTypes).toContain(UNKNOWN_TYPE);

    const problems: string[] = [];
    for (const id of others)
      problems.push(...checkCompletedHistory(id, await client.events(id)).problems);
    const lost = PROCESSES - 1 - new Set(others).size;
    const lsoServerErrors = Object.keys(lso.answers).filter((status) => Number(status) >= 500);
    console.log(
      `unknown event: ${PROCESSES} processes in ${Date.now() - t0} ms, 1 unknown event, ` +
        `parked: 1, completed: ${others.length}, lost: ${lost}, doubled/other problems: ${problems.length}, ` +
        `5xx to clients: ${client.serverErrors.length}, callback answers: ${JSON.stringify(lso.answers)}`,
    );
    expect(problems).toEqual([]);
    expect(lost).toBe(0);
    expect(client.serverErrors).toEqual([]);
    expect(lsoServerErrors).toEqual([]);
  });
});
