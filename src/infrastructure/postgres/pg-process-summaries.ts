import { Pool } from 'pg';
import {
  ProcessSummary,
  ProcessSummaryStore,
  SummaryPage,
  SummaryQuery,
} from '../../application/ports/process-summaries';
import { ProcessStatus } from '../../domain/process/state';
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

export class PgProcessSummaryStore implements ProcessSummaryStore {
  constructor(private readonly pool: Pool) {}

  async upsert(s: ProcessSummary): Promise<void> {
    // The revision guard makes replays and out-of-order redeliveries harmless.
    await this.pool.query(
      `INSERT INTO process_summaries AS p (process_id, workflow, workflow_version, status, current_step, assignee,
         failed_reason, wake_at, revision, started_at, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
       ON CONFLICT (process_id) DO UPDATE SET workflow = EXCLUDED.workflow, workflow_version = EXCLUDED.workflow_version,
         status = EXCLUDED.status, current_step = EXCLUDED.current_step, assignee = EXCLUDED.assignee,
         failed_reason = EXCLUDED.failed_reason, wake_at = EXCLUDED.wake_at, revision = EXCLUDED.revision,
         started_at = EXCLUDED.started_at, updated_at = EXCLUDED.updated_at
       WHERE p.revision < EXCLUDED.revision`,
      [
        s.processId,
        s.workflow,
        s.workflowVersion,
        s.status,
        s.currentStep,
        s.assignee,
        s.failedReason,
        s.wakeAt,
        s.revision,
        s.startedAt,
        s.updatedAt,
      ],
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
      `SELECT * FROM process_summaries ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY started_at DESC, process_id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, query.limit).map(toSummary);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
  }

  async due(now: Date, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ process_id: string }>(
      'SELECT process_id FROM process_summaries WHERE wake_at <= $1 ORDER BY wake_at LIMIT $2',
      [now, limit],
    );
    return rows.map((r) => r.process_id);
  }
}
