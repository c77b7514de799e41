import { Pool } from 'pg';
import {
  ProcessSummary,
  ProcessSummaryStore,
  SummaryChange,
  SummaryPage,
  SummaryQuery,
} from '../../application/ports/process-summaries';
import { ProcessState, ProcessStatus } from '../../domain/process/state';
import { PgCheckpointStore } from './pg-checkpoint-store';
import { inTransaction, withClient } from './pg-client';
import { decodeCursor, encodeCursor } from '../summary-cursor';

interface Row {
  process_id: string;
  workflow: string;
  workflow_version: number;
  status: string;
  current_step: string | null;
  assignee: string | null;
  failed_reason: string | null;
  wake_at: Date | null;
  revision: number;
  started_at: Date;
  updated_at: Date;
}

const LIST_COLUMNS = `process_id, workflow, workflow_version, status, current_step, assignee,
  failed_reason, wake_at, revision, started_at, updated_at`;

const toSummary = (r: Row): ProcessSummary => ({
  processId: r.process_id,
  workflow: r.workflow,
  workflowVersion: r.workflow_version,
  status: r.status as ProcessStatus,
  currentStep: r.current_step,
  assignee: r.assignee,
  failedReason: r.failed_reason,
  wakeAt: r.wake_at?.toISOString() ?? null,
  revision: r.revision,
  startedAt: r.started_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** The projection's checkpoint, in the shared checkpoints table (name kept from migration 100). */
export const PROCESS_SUMMARY_CHECKPOINT = 'projection:process-summaries';

/** The rows arrive as one JSON array; a row only replaces an older revision of itself. */
const UPSERT_ROWS_SQL = `
  INSERT INTO process_summaries AS p (process_id, workflow, workflow_version, status,
    current_step, assignee, failed_reason, wake_at, revision, started_at, updated_at, fold)
  SELECT process_id, workflow, workflow_version, status, current_step, assignee, failed_reason,
    wake_at, revision, started_at, updated_at, fold
  FROM jsonb_to_recordset($1::jsonb) AS r(process_id uuid, workflow text, workflow_version int,
    status text, current_step text, assignee text, failed_reason text, wake_at timestamptz,
    revision int, started_at timestamptz, updated_at timestamptz, fold jsonb)
  ON CONFLICT (process_id) DO UPDATE SET workflow = EXCLUDED.workflow,
    workflow_version = EXCLUDED.workflow_version, status = EXCLUDED.status,
    current_step = EXCLUDED.current_step, assignee = EXCLUDED.assignee,
    failed_reason = EXCLUDED.failed_reason, wake_at = EXCLUDED.wake_at,
    revision = EXCLUDED.revision, started_at = EXCLUDED.started_at,
    updated_at = EXCLUDED.updated_at, fold = EXCLUDED.fold
  WHERE p.revision < EXCLUDED.revision`;

/** Rows and checkpoint in one statement, hence one transaction and one round trip per batch. */
const APPLY_BATCH_SQL = `
WITH upserted AS (${UPSERT_ROWS_SQL} RETURNING 1)
INSERT INTO checkpoints (name, position) VALUES ($2, $3)
ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position`;

export class PgProcessSummaryStore implements ProcessSummaryStore {
  private readonly checkpoints: PgCheckpointStore;

  constructor(private readonly pool: Pool) {
    this.checkpoints = new PgCheckpointStore(pool);
  }

  appliedPosition(): Promise<number> {
    return this.checkpoints.load(PROCESS_SUMMARY_CHECKPOINT);
  }

  async loadFolds(processIds: readonly string[]): Promise<Map<string, ProcessState>> {
    const { rows } = await this.pool.query<{ process_id: string; fold: ProcessState }>({
      name: 'baton_summary_folds',
      text: 'SELECT process_id, fold FROM process_summaries WHERE process_id = ANY($1::uuid[])',
      values: [processIds],
    });
    return new Map(rows.map((row) => [row.process_id, row.fold]));
  }

  async applyBatch(changes: readonly SummaryChange[], position: number | null): Promise<void> {
    const rows = changes.map(({ summary: s, fold }) => ({
      process_id: s.processId,
      workflow: s.workflow,
      workflow_version: s.workflowVersion,
      status: s.status,
      current_step: s.currentStep,
      assignee: s.assignee,
      failed_reason: s.failedReason,
      wake_at: s.wakeAt,
      revision: s.revision,
      started_at: s.startedAt,
      updated_at: s.updatedAt,
      fold,
    }));
    // Without a position, writes of one rebuild do not queue behind each other on the checkpoint.
    await this.pool.query(
      position === null
        ? { name: 'baton_summary_rows', text: UPSERT_ROWS_SQL, values: [JSON.stringify(rows)] }
        : {
            name: 'baton_summary_apply',
            text: APPLY_BATCH_SQL,
            values: [JSON.stringify(rows), PROCESS_SUMMARY_CHECKPOINT, position],
          },
    );
  }

  async reset(): Promise<void> {
    await withClient(this.pool, (client) =>
      inTransaction(client, async () => {
        await client.query('TRUNCATE process_summaries');
        await client.query('DELETE FROM checkpoints WHERE name = $1', [PROCESS_SUMMARY_CHECKPOINT]);
      }),
    );
  }

  async list(query: SummaryQuery): Promise<SummaryPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(clause(params.length));
    };
    if (query.status) add((n) => `status = $${n}`, query.status);
    if (query.workflow) add((n) => `workflow = $${n}`, query.workflow);
    if (query.cursor) {
      const c = decodeCursor(query.cursor);
      params.push(c.startedAt, c.processId);
      where.push(
        `(started_at, process_id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
      );
    }
    params.push(query.limit + 1);
    const { rows } = await this.pool.query<Row>(
      `SELECT ${LIST_COLUMNS} FROM process_summaries ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY started_at DESC, process_id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, query.limit).map(toSummary);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
  }

  async countByStatus(): Promise<Partial<Record<ProcessStatus, number>>> {
    // Grouped by status alone, which the (status, started_at) index can answer without the rows.
    const { rows } = await this.pool.query<{ status: ProcessStatus; count: string }>(
      'SELECT status, count(*) AS count FROM process_summaries GROUP BY status',
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
  }
}
