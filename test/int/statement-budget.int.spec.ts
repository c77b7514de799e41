/**
 * A regression guard that is not a timing: the SQL statements the seed workflow costs, counted
 * on the whole service as `npm start` runs it (every feature on: hash chain, read models, timer
 * rows, ownership, metrics, auth), and the statements one projection batch issues. Counts do not
 * depend on how loaded the machine is, so this can run in `npm test` where a timing could not.
 * A change that adds statements to the hot path fails here with the statements listed; raise
 * the budget only together with `npm run bench` figures before and after (docs/benchmarks.md).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../../src/config';
import { registryOf } from '../../src/domain/workflow/registry-of';
import { workflows } from '../../examples/l2vpn/src';
import { PROCESS_STREAM_PREFIX } from '../../src/domain/process/events';
import { RecordedEvent } from '../../src/application/ports/event-store';
import { Projection } from '../../src/application/projections/projection';
import { ProjectionRunner } from '../../src/application/projections/projection-runner';
import { LedgerProjection } from '../../src/application/ledger/ledger-projection';
import { RunningServer, startServer } from '../../src/server';
import { AllStatements, groupedStatements, StatementRecord } from '../support/all-statements';
import { call, L2VPN_INPUT, SUCCESS } from '../support/api';
import { TEST_API_KEYS_ENV } from '../support/auth';
import { FakeLso, startFakeLso } from '../support/fake-lso';
import { freePort, startTestPostgres, TestDatabase, TestPostgres } from '../support/postgres';

/**
 * Measured on the merged main of 2026-12-06 (the report this test prints): 12.0 to 14.5
 * statements per process over five runs with the audit ledger, the last three also with fencing
 * and webhooks (11.9 before the ledger landed), at most 4 in
 * one read-model batch (the audit + step-log lane: a read and an upsert each) and 7 in one ledger
 * batch. Margin: +2.5 per process over the higher run (how often the subscriptions wake, and so
 * how the work is batched, varies with timing), +1 per batch. Lower them when the hot path gets
 * cheaper. 2026-12-07 (issue 21, followers sharing a read in flight): 12.5 to 13.9 over three
 * runs (14.9 just before), so 16. 2026-12-07 (issue 21, hot path: the ledger's batch is one
 * statement, and this instance's own appends no longer evict its folds): 8.30, 8.56 and 10.04
 * over three runs (10.52 with the ledger change alone), so 13; a ledger batch is 2 statements
 * (its stream heads, then the batch) and sometimes a digest, so 4.
 */
const BUDGET = {
  statementsPerProcess: 13,
  /**
   * One statement writes every read model's rows and checkpoint (PgReadModelUnit), and what a
   * batch continues is remembered from the batch before (folds, latest step executions, token
   * rows), so a batch reads nothing back while this instance keeps the role (4 before, 2026-12-06).
   */
  statementsPerProjectionBatch: 1,
  statementsPerLedgerBatch: 4,
};

const PROCESSES = 20;
const WARM_UP = 3;
const IDLE_MS = 4_000;

interface Batch extends StatementRecord {
  lane: string;
  events: number;
}

describe('SQL statements per seed process and per projection batch (all features on)', () => {
  const counter = new AllStatements();
  const batches: Batch[] = [];
  let postgres: TestPostgres;
  let db: TestDatabase;
  let dataDir: string;
  let lso: FakeLso;
  let server: RunningServer;
  let observer: Client;
  let baseUrl: string;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    db = await postgres.createTestDatabase({ migrate: false });
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'baton-budget-'));
    lso = await startFakeLso();
    lso.callBackWith = SUCCESS;
    counter.install();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = await startServer(
      loadConfig(
        {
          PORT: String(port),
          HOST: '127.0.0.1',
          PUBLIC_URL: baseUrl,
          DATABASE_URL: db.connectionString,
          DATA_DIR: dataDir,
          API_KEYS: TEST_API_KEYS_ENV,
          ANSIBLE_PROXY_URL: lso.url,
          LOG_LEVEL: 'warn',
        },
        false,
      ),
      // What `npm start` serves: the L2VPN example's workflows module.
      registryOf(workflows),
    );
    countProjectionBatches(server.app.get(ProjectionRunner), counter, batches);
    countLedgerBatches(server.app.get(LedgerProjection), counter, batches);
    observer = counter.ignore(new Client({ connectionString: db.connectionString }));
    await observer.connect();
  });

  afterAll(async () => {
    await observer?.end();
    await server?.close();
    counter.uninstall();
    await lso?.close();
    await db?.drop();
    await postgres?.cleanup();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  /** Start, callback (the fake LSO sends it), confirm, complete: the bench's workload. */
  const runSeedProcesses = async (count: number): Promise<void> => {
    const ids = await Promise.all(
      Array.from({ length: count }, async () => {
        const started = await call('POST', `${baseUrl}/api/processes/create_l2vpn`, L2VPN_INPUT);
        if (started.status !== 201) throw new Error(`start: ${JSON.stringify(started)}`);
        return (started.body as { id: string }).id;
      }),
    );
    await eventsSeen(ids, 'InputRequested');
    await Promise.all(
      ids.map(async (id) => {
        const resumed = await call('PUT', `${baseUrl}/api/processes/${id}/resume`, {});
        if (resumed.status !== 204) throw new Error(`resume: ${JSON.stringify(resumed)}`);
      }),
    );
    await eventsSeen(ids, 'ProcessCompleted');
    await projectionsCaughtUp();
    expect(lso.callbackFailures).toEqual([]);
  };

  /** Waits on the test's own (uncounted) connection, so polling adds nothing to the count. */
  const eventsSeen = async (ids: string[], type: string): Promise<void> => {
    const streams = ids.map((id) => `${PROCESS_STREAM_PREFIX}${id}`);
    await until(`${ids.length} × ${type}`, async () => {
      const { rows } = await observer.query<{ n: string }>(
        'SELECT count(DISTINCT stream_id) AS n FROM events WHERE type = $1 AND stream_id = ANY($2)',
        [type, streams],
      );
      return Number(rows[0].n) === ids.length;
    });
  };

  const projectionsCaughtUp = () =>
    until('read models caught up', async () => {
      const { rows } = await observer.query<{ behind: string }>(
        `SELECT count(*) AS behind FROM checkpoints
          WHERE name LIKE 'projection:%' AND position < (SELECT max(position) FROM events)`,
      );
      return Number(rows[0].behind) === 0;
    });

  it('stays within its statement budgets', async () => {
    await runSeedProcesses(WARM_UP);

    // What the pollers (timers, ownership, subscriptions) cost with nothing to do, per ms: taken
    // off the measured window, so a slow machine's longer run does not count against the budget.
    await sleep(500);
    const idleFrom = counter.all.length;
    const idleStarted = Date.now();
    await sleep(IDLE_MS);
    const idle = counter.all.slice(idleFrom);
    const idlePerMs = idle.length / (Date.now() - idleStarted);

    batches.length = 0;
    const from = counter.all.length;
    const started = Date.now();
    await runSeedProcesses(PROCESSES);
    const windowMs = Date.now() - started;
    const measured = counter.all.slice(from);
    const background = idlePerMs * windowMs;
    const perProcess = (measured.length - background) / PROCESSES;
    const worst = (kind: (b: Batch) => boolean): Batch | undefined =>
      batches
        .filter(kind)
        .reduce<Batch | undefined>(
          (max, b) => (!max || b.statements.length > max.statements.length ? b : max),
          undefined,
        );
    const isLedger = (b: Batch) => b.lane === LEDGER_LANE;
    const worstBatch = worst((b) => !isLedger(b));
    const worstLedgerBatch = worst(isLedger);

    const report = [
      `${PROCESSES} seed processes: ${measured.length} statements in ${windowMs} ms, of which ` +
        `~${background.toFixed(1)} background (idle rate ${(idlePerMs * 1000).toFixed(2)}/s) ` +
        `=> ${perProcess.toFixed(2)} per process (budget ${BUDGET.statementsPerProcess})`,
      `statements per process, grouped:`,
      groupedStatements(measured, PROCESSES),
      `idle statements in ${IDLE_MS} ms, grouped:`,
      groupedStatements(idle),
      `projection batches: ${batches.length}; ` +
        batches
          .map((b) => `${b.lane} ${b.events} events/${b.statements.length} statements`)
          .join(', '),
      `largest batch (${worstBatch?.lane}, ${worstBatch?.events} events), budget ${BUDGET.statementsPerProjectionBatch}:`,
      groupedStatements(worstBatch?.statements ?? []),
      `largest ledger batch (${worstLedgerBatch?.events} events), budget ${BUDGET.statementsPerLedgerBatch}:`,
      groupedStatements(worstLedgerBatch?.statements ?? []),
    ].join('\n');
    process.stdout.write(`${report}\n`);

    expect(worstBatch).toBeDefined();
    expect(worstLedgerBatch).toBeDefined();
    if (perProcess > BUDGET.statementsPerProcess)
      throw new Error(`over the statements-per-process budget:\n${report}`);
    if ((worstBatch?.statements.length ?? 0) > BUDGET.statementsPerProjectionBatch)
      throw new Error(`over the statements-per-projection-batch budget:\n${report}`);
    if ((worstLedgerBatch?.statements.length ?? 0) > BUDGET.statementsPerLedgerBatch)
      throw new Error(`over the statements-per-ledger-batch budget:\n${report}`);
  });
});

/**
 * Counts each batch the runner applies: a lane's subscription calls `applyAll` through `this`,
 * so wrapping it on the instance sees every batch from now on.
 */
function countProjectionBatches(
  runner: ProjectionRunner,
  counter: AllStatements,
  batches: Batch[],
): void {
  type ApplyAll = (members: readonly Projection[], events: RecordedEvent[]) => Promise<void>;
  const target = runner as unknown as { applyAll: ApplyAll };
  const applyAll = target.applyAll.bind(runner);
  target.applyAll = (members, events) => {
    const batch: Batch = {
      lane: members.map((p) => p.name).join('+'),
      events: events.length,
      statements: [],
    };
    if (events.length > 0) batches.push(batch);
    return counter.within(batch, () => applyAll(members, events));
  };
}

const LEDGER_LANE = 'ledger';

/** The audit ledger follows the store on its own subscription and appends each batch in `take`. */
function countLedgerBatches(ledger: LedgerProjection, counter: AllStatements, batches: Batch[]) {
  type Take = (events: readonly RecordedEvent[]) => Promise<void>;
  const target = ledger as unknown as { take: Take };
  const take = target.take.bind(ledger);
  target.take = (events) => {
    const batch: Batch = { lane: LEDGER_LANE, events: events.length, statements: [] };
    if (events.length > 0) batches.push(batch);
    return counter.within(batch, () => take(events));
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
