/**
 * A rebuild's rows reach PostgreSQL as typed arrays (pg-row-source.ts), a live batch's as one
 * JSON document. The upsert is the same SQL, so the same batches must leave the same rows
 * whichever way they were sent: quotes, backslashes, newlines, tabs, a literal `\N` and
 * non-ASCII text in JSON and text columns, SQL NULLs, JSON nulls inside a value, empty arrays,
 * a row replaced by a newer revision and not by an older one, and the process counts kept
 * beside the list.
 */
import { Pool } from 'pg';
import { ProcessSummary, SummaryChange } from '../../src/application/ports/process-summaries';
import { StepExecution } from '../../src/application/ports/step-log';
import { ProcessState } from '../../src/domain/process/state';
import { runMigrations } from '../../src/infrastructure/postgres/migrations';
import { PgProcessSummaryStore } from '../../src/infrastructure/postgres/pg-process-summaries';
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

describe('rebuild row encoding (typed arrays) against the live one (JSON)', () => {
  let pg: TestPostgres;
  let db: TestDatabase;
  let pool: Pool;
  const statements: string[] = [];

  beforeAll(async () => {
    pg = await startTestPostgres();
    db = await pg.createTestDatabase();
    await runMigrations(db.pool, ALL_MIGRATIONS);
    pool = new Proxy(db.pool, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property);
        if (property !== 'query' || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const first = args[0] as string | { text: string };
          statements.push(typeof first === 'string' ? first : first.text);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
    await pg?.cleanup();
  });

  const rowsOf = async (table: string, order: string) =>
    (await db.pool.query(`SELECT * FROM ${table} ORDER BY ${order}`)).rows;

  /**
   * Each batch through the live path (JSON, with a checkpoint) and the rebuild path (arrays,
   * without one), recording only these writes' statements.
   */
  const writeBoth = async <R>(
    live: { write(rows: R[], position: number): Promise<unknown> },
    rebuilt: { write(rows: R[], position: null): Promise<unknown> },
    batches: R[][],
  ) => {
    statements.length = 0;
    for (const [i, batch] of batches.entries()) {
      await live.write(batch, i + 1);
      await rebuilt.write(batch, null);
    }
  };

  it('leaves the same step-log rows', async () => {
    const live = new PgStepLogStore(pool);
    const rebuilt = await live.shadow();
    const batches = [
      [step(P1, 1, 1), step(P2, 1, 1)],
      [],
      [step(P1, 1, 2), step(P1, 2, 3), step(P2, 1, 4)],
      [step(P1, 1, 1)], // older: changes nothing
    ];
    await writeBoth(live, rebuilt, batches);
    expect(statements.some((s) => s.includes('unnest('))).toBe(true);
    expect(statements.some((s) => s.includes('jsonb_to_recordset('))).toBe(true);
    const expected = await rowsOf('step_log', 'process_id, seq');
    expect(expected).toHaveLength(3);
    expect(expected.find((r) => r.seq === 2)?.removed_keys).toEqual(['gone', AWKWARD]);
    expect(await rowsOf('step_log__shadow', 'process_id, seq')).toEqual(expected);
  });

  it('leaves the same process list and counts', async () => {
    const live = new PgProcessSummaryStore(pool);
    const rebuilt = await live.shadow();
    const batches = [
      [summary(P1, 1, 'running'), summary(P2, 1, 'running')],
      [summary(P1, 2, 'suspended')],
      [summary(P1, 3, 'completed'), summary(P2, 2, 'completed')],
      [summary(P2, 1, 'running')], // older: changes nothing (a batch holds one row per process)
    ];
    await writeBoth(live, rebuilt, batches);
    expect(statements.some((s) => s.includes('unnest('))).toBe(true);
    const expected = await rowsOf('process_summaries', 'process_id');
    expect(expected.map((r) => [r.status, r.description])).toEqual([
      ['completed', `desc ${AWKWARD}`],
      ['completed', `desc ${AWKWARD}`],
    ]);
    expect(await rowsOf('process_summaries__shadow', 'process_id')).toEqual(expected);
    const counts = await rowsOf('process_counts', 'workflow, status');
    expect(counts.map((c) => [c.status, Number(c.n)])).toEqual([['completed', 2]]);
    expect(await rowsOf('process_counts__shadow', 'workflow, status')).toEqual(counts);
  });
});
