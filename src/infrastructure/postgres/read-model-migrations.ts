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
];
