import { shardOf } from '../../src/application/ownership/partitions';
import { Migration, MIGRATIONS, runMigrations } from '../../src/infrastructure/postgres/migrations';
import { PgEventStore } from '../../src/infrastructure/postgres/pg-event-store';
import { ALL_MIGRATIONS } from '../../src/infrastructure/postgres/schema';
import { events } from '../support/event-store-fixtures';
import { startTestPostgres, TestDatabase, TestPostgres, testPool } from '../support/postgres';

let postgres: TestPostgres;
let database: TestDatabase;

beforeAll(async () => {
  postgres = await startTestPostgres();
});
afterAll(async () => {
  await postgres?.cleanup();
});
beforeEach(async () => {
  database = await postgres.createTestDatabase({ migrate: false });
});
afterEach(async () => {
  await database.drop();
});

const appliedVersions = async (): Promise<number[]> =>
  (await database.pool.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map(
    (row: { version: number }) => row.version,
  );

const tableExists = async (name: string): Promise<boolean> =>
  (await database.pool.query('SELECT to_regclass($1) AS t', [name])).rows[0].t !== null;

const latest = MIGRATIONS.map((m) => m.version);
const extra = (version: number, sql: string): Migration => ({
  version,
  name: `extra-${version}`,
  sql,
});

describe('runMigrations', () => {
  it('creates the schema on an empty database and is a no-op the second time', async () => {
    expect(await runMigrations(database.pool)).toEqual(latest);
    expect(await runMigrations(database.pool)).toEqual([]);
    expect(await appliedVersions()).toEqual(latest);
    for (const table of ['events', 'events_position_base', 'checkpoints']) {
      expect(await tableExists(table)).toBe(true);
    }
    expect(await tableExists('events_head')).toBe(false);
    const base = await database.pool.query('SELECT base FROM events_position_base');
    expect(base.rows).toEqual([{ base: '0' }]);
  });

  it('empties and replays the process list of a database written before migration 101', async () => {
    const before = ALL_MIGRATIONS.filter((m) => m.version <= 100);
    await runMigrations(database.pool, before);
    await database.pool.query(
      `INSERT INTO process_summaries (process_id, workflow, workflow_version, status, revision,
         started_at, updated_at)
       VALUES (gen_random_uuid(), 'create_l2vpn', 1, 'running', 3, now(), now())`,
    );
    await database.pool.query(
      `INSERT INTO checkpoints (name, position) VALUES ('projection:process-summaries', 4)`,
    );
    expect(
      await runMigrations(
        database.pool,
        ALL_MIGRATIONS.filter((m) => m.version <= 101),
      ),
    ).toEqual([101]);
    expect((await database.pool.query('SELECT * FROM process_summaries')).rows).toEqual([]);
    const checkpoint = await database.pool.query(
      `SELECT * FROM checkpoints WHERE name = 'projection:process-summaries'`,
    );
    expect(checkpoint.rows).toEqual([]);
  });

  it('migration 103 keeps the list rows, drops the version-1 checkpoint and adds the read models', async () => {
    await runMigrations(
      database.pool,
      ALL_MIGRATIONS.filter((m) => m.version <= 102),
    );
    await database.pool.query(
      `INSERT INTO process_summaries (process_id, workflow, workflow_version, status, revision,
         started_at, updated_at, fold)
       VALUES (gen_random_uuid(), 'create_l2vpn', 1, 'running', 3, now(), now(), '{}')`,
    );
    await database.pool.query(
      `INSERT INTO checkpoints (name, position) VALUES ('projection:process-summaries', 4)`,
    );
    // Up to 103: later migrations (ledger 200, webhooks 400) are not what this test is about.
    expect(
      await runMigrations(
        database.pool,
        ALL_MIGRATIONS.filter((m) => m.version <= 103),
      ),
    ).toEqual([103]);
    // Without a checkpoint of version 2, the service resets the list and replays it at start.
    const checkpoints = await database.pool.query(`SELECT name FROM checkpoints`);
    expect(checkpoints.rows).toEqual([]);
    for (const table of ['process_counts', 'callback_audit', 'step_log'])
      expect(await tableExists(table)).toBe(true);
    const search = await database.pool.query(`SELECT search::text FROM process_summaries`);
    expect(search.rows).toEqual([{ search: "'create':1 'l2vpn':2" }]);
  });

  it('keeps positions of a database written before migration 2 below every new one', async () => {
    const [first] = MIGRATIONS;
    await runMigrations(database.pool, [first]);
    // As the head-row store wrote them: consecutive from 1, here far beyond the current xid.
    await database.pool.query(`UPDATE events_head SET position = 5000000`);
    await database.pool.query(
      `INSERT INTO events (position, event_id, stream_id, revision, type, data, metadata)
       VALUES (5000000, gen_random_uuid(), 'old', 0, 'Old', '{}', '{}')`,
    );
    await runMigrations(database.pool, MIGRATIONS);

    const store = new PgEventStore(database.pool);
    try {
      const { lastPosition } = await store.append('new', events(1), 'no_stream');
      expect(lastPosition).toBeGreaterThan(5000000);
      const all = await store.readAll({ after: 0, limit: 10 });
      expect(all.map((e) => e.streamId)).toEqual(['old', 'new']);
    } finally {
      await store.close();
    }
  });

  it('copies the timers of processes already waiting from the process list (migration 102)', async () => {
    await runMigrations(
      database.pool,
      ALL_MIGRATIONS.filter((m) => m.version <= 101),
    );
    const processId = '5b3c1a52-9a57-4d0e-9a43-0f3f1b0c2d11';
    await database.pool.query(
      `INSERT INTO process_summaries (process_id, workflow, workflow_version, status, revision,
         started_at, updated_at, wake_at, fold)
       VALUES ($1, 'create_l2vpn', 1, 'waiting', 3, now(), now(), '2026-01-01T00:00:00Z', '{}')`,
      [processId],
    );
    await runMigrations(database.pool, ALL_MIGRATIONS);
    const { rows } = await database.pool.query(
      'SELECT stream_id, shard, due_at FROM stream_timers',
    );
    // The shard computed in SQL is the runner's own, so the timer lands in the right partition.
    expect(rows).toEqual([
      {
        stream_id: `process-${processId}`,
        shard: shardOf(processId),
        due_at: new Date('2026-01-01T00:00:00Z'),
      },
    ]);
  });

  it('applies every migration exactly once when several processes start at once', async () => {
    const pools = Array.from({ length: 6 }, () => testPool(database.connectionString, 2));
    const slow = extra(1000, 'SELECT pg_sleep(0.2); CREATE TABLE concurrent_probe (id int)');
    try {
      const results = await Promise.all(
        pools.map((pool) => runMigrations(pool, [...MIGRATIONS, slow])),
      );
      expect(results.flat().sort((a, b) => a - b)).toEqual([...latest, 1000]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
    expect(await appliedVersions()).toEqual([...latest, 1000]);
  });

  it('applies migrations appended later, leaving the earlier ones alone', async () => {
    await runMigrations(database.pool);
    const more = [...MIGRATIONS, extra(1001, 'CREATE TABLE read_model_probe (id int)')];
    expect(await runMigrations(database.pool, more)).toEqual([1001]);
    expect(await tableExists('read_model_probe')).toBe(true);
  });

  it('rolls a failing migration back whole and keeps the ones before it', async () => {
    const broken = extra(1002, 'CREATE TABLE half_done (id int); SELECT no_such_function()');
    await expect(runMigrations(database.pool, [...MIGRATIONS, broken])).rejects.toThrow(
      /no_such_function/,
    );
    expect(await appliedVersions()).toEqual(latest);
    expect(await tableExists('half_done')).toBe(false);
  });

  it('refuses a list that is not in ascending version order', async () => {
    await expect(
      runMigrations(database.pool, [extra(2, 'SELECT 1'), extra(1, 'SELECT 1')]),
    ).rejects.toThrow(/must come after/);
  });
});
