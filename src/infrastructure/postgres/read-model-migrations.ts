import { Migration } from './migrations';

/** Read-model tables. Rebuildable: drop the rows and the projection's checkpoint, and replay. */
export const READ_MODEL_MIGRATIONS: Migration[] = [
  {
    version: 100,
    name: 'process-summaries',
    sql: `
      CREATE TABLE process_summaries (
        process_id uuid PRIMARY KEY,
        workflow text NOT NULL,
        workflow_version int NOT NULL,
        status text NOT NULL,
        current_step text,
        assignee text,
        failed_reason text,
        wake_at timestamptz,
        revision int NOT NULL,
        started_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX process_summaries_listing ON process_summaries (started_at DESC, process_id DESC);
      CREATE INDEX process_summaries_status ON process_summaries (status, started_at DESC);
      CREATE INDEX process_summaries_wake ON process_summaries (wake_at) WHERE wake_at IS NOT NULL;
    `,
  },
  {
    version: 101,
    name: 'process-summaries-keep-their-fold',
    // Why: the projection now evolves each row's stored fold instead of re-reading the stream.
    // Rows written before have no fold, so the read model is emptied and replayed from 0. Folds
    // are stored uncompressed (EXTERNAL): they are rewritten on every batch, and pglz costs more
    // CPU than the disk it saves (the embedded binaries have no lz4).
    sql: `
      TRUNCATE process_summaries;
      DELETE FROM checkpoints WHERE name = 'projection:process-summaries';
      ALTER TABLE process_summaries ADD COLUMN fold jsonb NOT NULL;
      ALTER TABLE process_summaries ALTER COLUMN fold SET STORAGE EXTERNAL;
    `,
  },
  {
    version: 102,
    name: 'timers-from-the-process-list',
    // Why: timers now live in stream_timers (migration 3), written by the append that sets them.
    // Processes already waiting when this version is installed only have theirs in the list, so
    // they are copied once. The shard is shardOf (FNV-1a) of the process id, as the runner has it.
    sql: `
      CREATE FUNCTION pg_temp.baton_shard(id text) RETURNS int LANGUAGE plpgsql AS $fn$
      DECLARE h bigint := 2166136261;
      BEGIN
        FOR i IN 1..length(id) LOOP
          h := ((h # ascii(substr(id, i, 1))) * 16777619) % 4294967296;
        END LOOP;
        RETURN (h & 2147483647)::int;
      END $fn$;
      INSERT INTO stream_timers (stream_id, shard, due_at)
      SELECT 'process-' || process_id, pg_temp.baton_shard(process_id::text), wake_at
      FROM process_summaries WHERE wake_at IS NOT NULL
      ON CONFLICT (stream_id) DO NOTHING;
    `,
  },
  {
    version: 103,
    name: 'read-models-issue-6',
    // Why: the process list gains description, callback activity and text search, and keeps the
    // counts per workflow and status beside it; the callback audit and the step log are new.
    // The list's projection moves to version 2 (a new checkpoint), so the service replays it.
    // It runs after 102, which copies the timers out of the list's rows before any replay.
    sql: `
      ALTER TABLE process_summaries
        ADD COLUMN description text,
        ADD COLUMN last_callback_at timestamptz,
        ADD COLUMN last_callback_kind text,
        ADD COLUMN search tsvector GENERATED ALWAYS AS
          (to_tsvector('simple'::regconfig, workflow || ' ' || coalesce(description, ''))) STORED;
      CREATE INDEX process_summaries_search ON process_summaries USING gin (search);
      CREATE INDEX process_summaries_updated ON process_summaries (updated_at DESC, process_id DESC);
      CREATE INDEX process_summaries_assignee ON process_summaries (assignee, started_at DESC)
        WHERE assignee IS NOT NULL;
      DELETE FROM checkpoints WHERE name = 'projection:process-summaries';
      CREATE TABLE process_counts (
        workflow text NOT NULL,
        status text NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (workflow, status)
      );
      CREATE TABLE callback_audit (
        token_id text PRIMARY KEY,
        process_id uuid NOT NULL,
        step_index int NOT NULL,
        step_name text NOT NULL,
        status text NOT NULL,
        issued_at timestamptz NOT NULL,
        expires_at timestamptz,
        action_completed_at timestamptz,
        progress jsonb NOT NULL,
        received_at timestamptz,
        payload jsonb,
        rejections jsonb NOT NULL,
        expired_at timestamptz,
        revoked_at timestamptz,
        revoked_reason text,
        revision int NOT NULL
      );
      CREATE INDEX callback_audit_process ON callback_audit (process_id, issued_at);
      CREATE TABLE step_log (
        process_id uuid NOT NULL,
        seq int NOT NULL,
        step_index int NOT NULL,
        name text NOT NULL,
        status text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        duration_ms bigint,
        delta jsonb,
        removed_keys jsonb NOT NULL,
        error jsonb,
        revision int NOT NULL,
        PRIMARY KEY (process_id, seq)
      );
    `,
  },
];
