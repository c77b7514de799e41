/**
 * PostgreSQL stopped and started again under load: while it is down the API answers 503 (and
 * says whether anything may have been written), the instance recovers by itself once it is
 * back, and nothing that was accepted is lost: every process a client got a 201 for completes,
 * with no doubled events.
 */
import { L2VPN_INPUT, call } from '../support/api';
import { ServiceProcess } from '../support/service-process';
import { PgFixture, startPgFixture } from '../support/pg-app';
import { CallingLso, startCallingLso } from './support/calling-lso';
import { ClusterClient, inParallel, startInstance } from './support/cluster';
import { checkCompletedHistory } from './support/history-checks';

const PROCESSES = 40;

describe('PostgreSQL restarted under load', () => {
  let pg: PgFixture;
  let lso: CallingLso;
  let service: ServiceProcess;

  beforeAll(async () => {
    pg = await startPgFixture();
    lso = await startCallingLso([]);
    service = await startInstance(pg.db.connectionString, lso.url, {
      PG_CONNECT_TIMEOUT_MS: '1000',
    });
    lso.targets.push(service.url);
  });

  afterAll(async () => {
    await service?.kill('SIGTERM');
    await lso?.close();
    await pg?.close();
  });

  it('answers 503 while it is down, recovers by itself, and loses nothing accepted', async () => {
    const client = new ClusterClient(() => [service.url]);
    let started = 0;
    let outage: Promise<number[]> | undefined;
    const stopAndStart = async (): Promise<number[]> => {
      await pg.postgres.stop();
      const statuses: number[] = [];
      // While it is down: a start is refused with 503, and the body says nothing was written.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const answer = await call('POST', `${service.url}/api/processes/create_l2vpn`, L2VPN_INPUT);
        statuses.push(answer.status);
        if (answer.status === 503) {
          expect(answer.body.outcome).toBe('not_written');
          break;
        }
        if (Date.now() > deadline) throw new Error(`no 503 while down: ${statuses.join()}`);
      }
      await new Promise((r) => setTimeout(r, 2000));
      await pg.postgres.start();
      return statuses;
    };
    const t0 = Date.now();
    const ids = await inParallel(PROCESSES, 8, (i) =>
      client.runL2vpn(`restart-${i}`, () => {
        if (++started === 15) outage = stopAndStart();
      }),
    );
    const statuses = await outage!;
    const problems: string[] = [];
    for (const id of ids)
      problems.push(...checkCompletedHistory(id, await client.events(id)).problems);
    console.log(
      `database restart: ${PROCESSES} processes in ${Date.now() - t0} ms, 1 outage, ` +
        `answers while down: ${statuses.join(',')}, lost: ${PROCESSES - new Set(ids).size}, problems: ${problems.length}`,
    );
    expect(statuses[statuses.length - 1]).toBe(503);
    expect(problems).toEqual([]);
    expect(new Set(ids).size).toBe(PROCESSES);
  });
});
