/**
 * A read-model batch commits without waiting for its WAL flush (PgReadModelUnit): the setting
 * must hold for that statement's transaction only, never for the pooled session afterwards
 * (an event append on the same connection must still wait for the disk), and the batch must
 * still land whole, rows and checkpoint together.
 */
import { Pool } from 'pg';
import { StepExecution } from '../../src/application/ports/step-log';
import { runMigrations } from '../../src/infrastructure/postgres/migrations';
import { PgStepLogStore } from '../../src/infrastructure/postgres/pg-step-log';
import { ALL_MIGRATIONS } from '../../src/infrastructure/postgres/schema';
import { startTestPostgres, TestDatabase, TestPostgres, testPool } from '../support/postgres';

const row = (processId: string, revision: number): StepExecution => ({
  processId,
  seq: 1,
  index: 0,
  name: 'first',
  status: 'completed',
  startedAt: '2026-12-07T00:00:00.000Z',
  finishedAt: '2026-12-07T00:00:01.000Z',
  durationMs: 1000,
  delta: { a: revision },
  removedKeys: [],
  error: null,
  revision,
});

describe('read-model batch commit', () => {
  let pg: TestPostgres;
  let db: TestDatabase;
  let onePool: Pool;

  beforeAll(async () => {
    pg = await startTestPostgres();
    db = await pg.createTestDatabase();
    await runMigrations(db.pool, ALL_MIGRATIONS);
    onePool = testPool(db.connectionString, 1); // every statement on the same session
  }, 120_000);

  afterAll(async () => {
    await onePool?.end();
    await db?.drop();
    await pg?.cleanup();
  });

  it('skips the flush wait for its own transaction only, and writes rows and checkpoint together', async () => {
    const answers: unknown[] = [];
    const recording = new Proxy(onePool, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property);
        if (property !== 'query' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const result = (await (value as (...a: unknown[]) => Promise<{ rows: unknown[] }>).apply(
            target,
            args,
          )) as { rows: unknown[] };
          answers.push(result.rows[0]);
          return result;
        };
      },
    });
    // The session's own setting, whatever the test server's default is.
    await onePool.query("SET synchronous_commit = 'on'");
    const store = new PgStepLogStore(recording);
    const processId = '00000000-0000-4000-8000-000000000001';

    await store.write([row(processId, 3)], 42);

    // The statement itself ran the setting (it answers it) ...
    expect(answers).toContainEqual(expect.objectContaining({ synchronous_commit: 'off' }));
    // ... which ended with its transaction: the session is back to waiting for the flush.
    const after = await onePool.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    expect(after.rows[0].synchronous_commit).toBe('on');
    expect(await store.position()).toBe(42);
    expect((await store.latest([processId])).get(processId)?.revision).toBe(3);
  });
});
