/**
 * A rebuild's rows reach PostgreSQL as typed arrays (pg-row-source.ts), a live batch's as one
 * JSON document, and a rebuild's new rows (a key no earlier batch wrote) through COPY. The same
 * batches must leave the same rows whichever way they were sent: quotes, backslashes, newlines,
 * tabs, a literal `\N` and non-ASCII text in JSON and text columns, SQL NULLs, JSON nulls inside
 * a value, empty arrays, a row replaced by a newer revision and not by an older one, and the
 * process counts kept beside the list.
 */
import { Pool, PoolClient } from 'pg';
import { ProcessSummary, SummaryChange } from '../../src/application/ports/process-summaries';
import { ReadModelStore } from '../../src/application/ports/read-model-store';
import { StepExecution } from '../../src/application/ports/step-log';
import { ProcessState } from '../../src/domain/process/state';
import { runMigrations } from '../../src/infrastructure/postgres/migrations';
import { PgProcessSummaryStore } from '../../src/infrastructure/postgres/pg-process-summaries';
import { PgTableSet } from '../../src/infrastructure/postgres/pg-read-model-tables';
import { PgStepLogStore } from '../../src/infrastructure/postgres/pg-step-log';
import { ALL_MIGRATIONS } from '../../src/infrastructure/postgres/schema';
import { startTestPostgres, TestDatabase, TestPostgres } from '../support/postgres';

const P1 = '00000000-0000-4000-8000-000000000001';
const P2 = '00000000-0000-4000-8000-000000000002';
const AWKWARD =
  'quote " backslash \\ newline \n tab \t return \r brace { } comma , é ✓ NULL \\N \\\\N';

const step = (processId: string, seq: number, revision: number): StepExecution => ({
  processId,
  seq,
  index: seq - 1,
  name: `step ${AWKWARD}`,
  status: revision % 2 === 0 ? 'completed' : 'running',
  startedAt: '2026-12-07T00:00:00.000Z',
  finishedAt: revision % 2 === 0 ? '2026-12-07T00:00:01.250Z' : null,
  durationMs: revision % 2 === 0 ? 1250 : null,
  delta: { text: AWKWARD, nothing: null, list: [], nested: { revision, '"key"': '\\' } },
  removedKeys: revision > 2 ? ['gone', AWKWARD] : [],
  error: revision === 4 ? { message: AWKWARD, details: null, retryable: false } : null,
  revision,
});

const summary = (processId: string, revision: number, status: string): SummaryChange => ({
  summary: {
    processId,
    workflow: `wf ${AWKWARD}`,
    workflowVersion: 1,
    status: status as ProcessSummary['status'],
    currentStep: status === 'completed' ? null : 'second',
    assignee: revision === 2 ? AWKWARD : null,
    failedReason: null,
    description: revision === 1 ? `desc ${AWKWARD}` : null, // kept by COALESCE when null later
    lastCallbackAt: revision === 2 ? '2026-12-07T00:00:02.000Z' : null,
    lastCallbackKind: revision === 2 ? 'received' : null,
    wakeAt: null,
    revision,
    startedAt: '2026-12-07T00:00:00.000Z',
    updatedAt: `2026-12-07T00:00:0${revision}.000Z`,
  },
  fold: { status, data: { text: AWKWARD, nothing: null, revision } } as unknown as ProcessState,
});

const BULK_STEP_LOG: PgTableSet = {
  tables: { rows: 'bulk_step_log' },
  checkpoint: 'test:bulk-step-log',
};
const BULK_SUMMARIES: PgTableSet = {
  tables: { rows: 'bulk_process_summaries', counts: 'bulk_process_counts' },
  checkpoint: 'test:bulk-process-summaries',
};

describe('rebuild row encodings (typed arrays, COPY) against the live one (JSON)', () => {
  let pg: TestPostgres;
  let db: TestDatabase;
  let pool: Pool;
  const statements: string[] = [];

  beforeAll(async () => {
    pg = await startTestPostgres();
    db = await pg.createTestDatabase();
    await runMigrations(db.pool, ALL_MIGRATIONS);
    // Live tables of the same shape for the third path's shadows.
    for (const table of ['step_log', 'process_summaries', 'process_counts'])
      await db.pool.query(`CREATE TABLE bulk_${table} (LIKE ${table} INCLUDING ALL)`);
    // Every statement, through the pool or a client taken from it (a batch with new rows).
    const recording = <T extends object>(target: T): T =>
      new Proxy(target, {
        get(on, property) {
          const value: unknown = Reflect.get(on, property);
          if (typeof value !== 'function') return value;
          const method = value as (...a: unknown[]) => unknown;
          if (property === 'connect')
            return (done: (error: Error | undefined, client?: PoolClient) => void) =>
              method.apply(on, [
                (error: Error | undefined, client?: PoolClient) =>
                  done(error, client && recording(client)),
              ]);
          if (property !== 'query') return value;
          return (...args: unknown[]) => {
            const first = args[0] as string | { text: string };
            statements.push(typeof first === 'string' ? first : first.text);
            return method.apply(on, args);
          };
        },
      });
    pool = recording(db.pool);
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
    await pg?.cleanup();
  });

  const rowsOf = async (table: string, order: string) =>
    (await db.pool.query(`SELECT * FROM ${table} ORDER BY ${order}`)).rows;

  /**
   * Each batch through the live path (JSON, with a checkpoint), the rebuild path (arrays,
   * without one), and the rebuild path told which rows are new (COPY for those), recording only
   * these writes' statements.
   */
  const writeAll = async <R>(
    live: { write(rows: R[], position: number): Promise<unknown> },
    rebuilt: { write(rows: R[], position: null): Promise<unknown> },
    loaded: ReadModelStore<R>,
    keyOf: (row: R) => string,
    batches: R[][],
  ) => {
    statements.length = 0;
    const written = new Set<string>();
    for (const [i, batch] of batches.entries()) {
      await live.write(batch, i + 1);
      await rebuilt.write(batch, null);
      const created = new Set(batch.filter((row) => !written.has(keyOf(row))));
      const staged = loaded.stage(batch, null, (row) => created.has(row));
      await staged.unit.commit([staged]);
      for (const row of batch) written.add(keyOf(row));
    }
  };

  it('leaves the same step-log rows', async () => {
    const live = new PgStepLogStore(pool);
    const rebuilt = await live.shadow();
    const loaded = await new PgStepLogStore(pool, BULK_STEP_LOG).shadow();
    const batches = [
      [step(P1, 1, 1), step(P2, 1, 1)],
      [],
      [step(P1, 1, 2), step(P1, 2, 3), step(P2, 1, 4)],
      [step(P1, 1, 1)], // older: changes nothing
    ];
    await writeAll(live, rebuilt, loaded, (r) => `${r.processId}/${r.seq}`, batches);
    expect(statements.some((s) => s.includes('unnest('))).toBe(true);
    expect(statements.some((s) => s.includes('jsonb_to_recordset('))).toBe(true);
    expect(statements.filter((s) => s.startsWith('COPY '))).toHaveLength(2); // batches 1 and 3
    const expected = await rowsOf('step_log', 'process_id, seq');
    expect(expected).toHaveLength(3);
    expect(expected.find((r) => r.seq === 2)?.removed_keys).toEqual(['gone', AWKWARD]);
    expect(await rowsOf('step_log__shadow', 'process_id, seq')).toEqual(expected);
    expect(await rowsOf('bulk_step_log__shadow', 'process_id, seq')).toEqual(expected);
  });

  it('leaves the same process list and counts', async () => {
    const live = new PgProcessSummaryStore(pool);
    const rebuilt = await live.shadow();
    const loaded = await new PgProcessSummaryStore(pool, BULK_SUMMARIES).shadow();
    const batches = [
      [summary(P1, 1, 'running'), summary(P2, 1, 'running')],
      [summary(P1, 2, 'suspended')],
      [summary(P1, 3, 'completed'), summary(P2, 2, 'completed')],
      [summary(P2, 1, 'running')], // older: changes nothing (a batch holds one row per process)
    ];
    await writeAll(live, rebuilt, loaded, (c) => c.summary.processId, batches);
    expect(statements.some((s) => s.includes('unnest('))).toBe(true);
    expect(statements.filter((s) => s.startsWith('COPY '))).toHaveLength(1); // batch 1
    const expected = await rowsOf('process_summaries', 'process_id');
    expect(expected.map((r) => [r.status, r.description])).toEqual([
      ['completed', `desc ${AWKWARD}`],
      ['completed', `desc ${AWKWARD}`],
    ]);
    expect(await rowsOf('process_summaries__shadow', 'process_id')).toEqual(expected);
    const counts = await rowsOf('process_counts', 'workflow, status');
    expect(counts.map((c) => [c.status, Number(c.n)])).toEqual([['completed', 2]]);
    expect(await rowsOf('process_counts__shadow', 'workflow, status')).toEqual(counts);
    expect(await rowsOf('bulk_process_summaries__shadow', 'process_id')).toEqual(expected);
    expect(await rowsOf('bulk_process_counts__shadow', 'workflow, status')).toEqual(counts);
  });
});
