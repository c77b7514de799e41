import { Pool, PoolClient } from 'pg';
import { inTransaction, withClient } from './pg-client';

export interface Migration {
  /** Applied in ascending order; never renumber or edit a migration once it has shipped. */
  version: number;
  name: string;
  sql: string;
}

/**
 * The schema, as an ordered list. Add new tables (read models, ...) as further entries at the
 * end with the next version number.
 */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'events-and-checkpoints',
    sql: `
      CREATE TABLE events (
        position bigint PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        stream_id text NOT NULL,
        revision int NOT NULL CHECK (revision >= 0),
        type text NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_stream_revision_key UNIQUE (stream_id, revision)
      );

      -- One row holding the last assigned global position. Appenders take its row lock, which is
      -- what makes positions gapless and visible in order (see PgEventStore.append).
      CREATE TABLE events_head (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        position bigint NOT NULL
      );
      INSERT INTO events_head (id, position) VALUES (true, 0);

      CREATE TABLE checkpoints (
        name text PRIMARY KEY,
        position bigint NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'positions-from-transaction-ids',
    // Why: the head row serialised every append in the system, held from its UPDATE through
    // COMMIT (fsync included). Positions now come from the writing transaction's id, which needs
    // no shared lock; followers read only below the oldest transaction still in flight, so an
    // event committed late can never be passed (see pg-event-sql.ts). `base` keeps every new
    // position above those already handed out by the head row, so existing checkpoints hold.
    // Every instance must be stopped for this upgrade: older ones append through events_head.
    sql: `
      LOCK TABLE events_head IN ACCESS EXCLUSIVE MODE;
      CREATE TABLE events_position_base (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        base bigint NOT NULL
      );
      INSERT INTO events_position_base (id, base)
      SELECT true, GREATEST(0, position + 1 - pg_current_xact_id()::text::bigint * 1000)
      FROM events_head;
      DROP TABLE events_head;
    `,
  },
  {
    version: 3,
    name: 'durable-timers',
    // Why: timers were read from the process list, which trails the store; a stalled projection
    // meant no timeout ever fired. The append that sets a timer now writes it (pg-event-sql.ts).
    // Processes waiting on a timer before this version get theirs from migration 102.
    sql: `
      CREATE TABLE stream_timers (
        stream_id text PRIMARY KEY,
        shard int NOT NULL,
        due_at timestamptz NOT NULL,
        attempts int NOT NULL DEFAULT 0
      );
      CREATE INDEX stream_timers_due ON stream_timers (due_at);
    `,
  },
  {
    version: 4,
    name: 'ownership-epochs',
    // Why: an advisory lock lives on one session, and the instance that took it only believes it
    // still holds it; after a network black hole it may keep writing while another instance has
    // taken over. Taking a lock now also raises the work's epoch (a fencing token); the runner's
    // appends and checkpoints, and the projections' writes, name the epoch they were taken under
    // and are refused in the same statement once it is no longer current (pg-event-sql.ts).
    sql: `
      CREATE TABLE ownership_epochs (
        name text PRIMARY KEY,
        epoch bigint NOT NULL
      );
      -- For statements that must fail as a whole when their writer has been fenced out: the
      -- row lock makes a takeover wait for a write already under way, and a write that starts
      -- after the takeover sees the new epoch.
      CREATE FUNCTION baton_assert_fence(fence_name text, fence_epoch bigint) RETURNS boolean
      LANGUAGE plpgsql AS $fence$
      BEGIN
        PERFORM 1 FROM ownership_epochs WHERE name = fence_name AND epoch = fence_epoch FOR SHARE;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'fenced out: % is no longer held at epoch %', fence_name, fence_epoch
            USING ERRCODE = 'BF001';
        END IF;
        RETURN true;
      END
      $fence$;
    `,
  },
];

/**
 * Arbitrary but fixed: every process running migrations against the same database must agree
 * on it. Transaction-scoped, so a crashed migrator can never leave it held.
 */
const MIGRATION_LOCK_KEY = 7_311_042_019;

/**
 * Applies the missing migrations, each in its own transaction, and returns the versions it
 * applied. Two processes starting at once serialise on an advisory lock and the later one
 * finds the work done, instead of both trying to create the same tables.
 */
export async function runMigrations(
  pool: Pool,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  assertOrdered(migrations);
  return withClient(pool, async (client) => {
    // Even "IF NOT EXISTS" races between concurrent sessions, so it also runs under the lock.
    await inLockedTransaction(client, () =>
      client.query(`
        CREATE TABLE IF NOT EXISTS schema_migrations (
          version int PRIMARY KEY,
          name text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`),
    );
    const applied: number[] = [];
    for (const migration of migrations) {
      const ran = await inLockedTransaction(client, async () => {
        const done = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [
          migration.version,
        ]);
        if (done.rowCount !== 0) return false;
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
        return true;
      });
      if (ran) applied.push(migration.version);
    }
    return applied;
  });
}

function inLockedTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  return inTransaction(client, async () => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    return work();
  });
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1];
    if (previous !== undefined && migration.version <= previous.version) {
      throw new Error(
        `Migration ${migration.version} (${migration.name}) must come after ${previous.version}`,
      );
    }
  });
}
