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
];
