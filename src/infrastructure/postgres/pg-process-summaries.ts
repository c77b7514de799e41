import { Pool } from 'pg';
import {
  ProcessSummary,
  ProcessSummaryStore,
  SummaryChange,
  SummaryPage,
  SummaryQuery,
  searchWords,
} from '../../application/ports/process-summaries';
import { ListedStatus, ProcessCounts } from '../../application/queries/read-model-queries';
import { ProcessState } from '../../domain/process/state';
import { decodeCursor, encodeCursor, sortKey } from '../../application/summaries/summary-cursor';
import { PgReadModelStore } from './pg-read-model-store';
import { PgTableSet } from './pg-read-model-tables';
import { PartSql } from './pg-read-model-unit';
import { RowColumn, columnList } from './pg-row-source';
import { countsFromRows } from '../../application/summaries/process-counts';

interface Row {
  process_id: string;
  workflow: string;
  workflow_version: number;
  status: string;
  current_step: string | null;
  assignee: string | null;
  failed_reason: string | null;
  description: string | null;
  last_callback_at: Date | null;
  last_callback_kind: string | null;
  wake_at: Date | null;
  revision: number;
  started_at: Date;
  updated_at: Date;
}

const LIST_COLUMNS = `process_id, workflow, workflow_version, status, current_step, assignee,
  failed_reason, description, last_callback_at, last_callback_kind, wake_at, revision, started_at,
  updated_at`;

const toSummary = (r: Row): ProcessSummary => ({
  processId: r.process_id,
  workflow: r.workflow,
  workflowVersion: r.workflow_version,
  status: r.status as ListedStatus,
  currentStep: r.current_step,
  assignee: r.assignee,
  failedReason: r.failed_reason,
  description: r.description,
  lastCallbackAt: r.last_callback_at?.toISOString() ?? null,
  lastCallbackKind: r.last_callback_kind as ProcessSummary['lastCallbackKind'],
  wakeAt: r.wake_at?.toISOString() ?? null,
  revision: r.revision,
  startedAt: r.started_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** The live tables; the checkpoint is version 2's (rows of version 1 lack the new columns). */
export const PROCESS_SUMMARY_TABLES: PgTableSet = {
  tables: { rows: 'process_summaries', counts: 'process_counts' },
  checkpoint: 'projection:process-summaries:v2',
};

const ROW_COLUMNS: readonly RowColumn[] = [
  { name: 'process_id', type: 'uuid' },
  { name: 'workflow', type: 'text' },
  { name: 'workflow_version', type: 'int' },
  { name: 'status', type: 'text' },
  { name: 'current_step', type: 'text' },
  { name: 'assignee', type: 'text' },
  { name: 'failed_reason', type: 'text' },
  { name: 'description', type: 'text' },
  { name: 'last_callback_at', type: 'timestamptz' },
  { name: 'last_callback_kind', type: 'text' },
  { name: 'wake_at', type: 'timestamptz' },
  { name: 'revision', type: 'int' },
  { name: 'started_at', type: 'timestamptz' },
  { name: 'updated_at', type: 'timestamptz' },
  { name: 'fold', type: 'jsonb' },
];

const ROW_COLUMN_LIST = columnList(ROW_COLUMNS);

/**
 * The rows (each only over an older revision of itself) and the counts (the old status of each
 * replaced row out, the new one in; both read in the statement's one snapshot). A count that
 * reaches 0 is deleted by the same statement, so the table holds the same rows however it was
 * built (live or rebuilt) and a batch costs no second statement. Every row of the counts table
 * is changed by at most one of its CTEs: those that reach 0 by `emptied`, the rest by `counted`.
 */
const partSql = (t: PgTableSet, source: string, w: string): PartSql => ({
  ctes: `${w}input AS (
  SELECT * FROM ${source}
), ${w}old AS (
  SELECT p.process_id, p.workflow, p.status FROM ${t.tables.rows} p JOIN ${w}input USING (process_id)
), ${w}upserted AS (
  INSERT INTO ${t.tables.rows} AS p (${ROW_COLUMN_LIST})
  SELECT ${ROW_COLUMN_LIST} FROM ${w}input
  ON CONFLICT (process_id) DO UPDATE SET workflow = EXCLUDED.workflow,
    workflow_version = EXCLUDED.workflow_version, status = EXCLUDED.status,
    current_step = EXCLUDED.current_step, assignee = EXCLUDED.assignee,
    failed_reason = EXCLUDED.failed_reason,
    description = COALESCE(EXCLUDED.description, p.description),
    last_callback_at = COALESCE(EXCLUDED.last_callback_at, p.last_callback_at),
    last_callback_kind = COALESCE(EXCLUDED.last_callback_kind, p.last_callback_kind),
    wake_at = EXCLUDED.wake_at, revision = EXCLUDED.revision, started_at = EXCLUDED.started_at,
    updated_at = EXCLUDED.updated_at, fold = EXCLUDED.fold
  WHERE p.revision < EXCLUDED.revision
  RETURNING p.process_id, p.workflow, p.status
), ${w}moves AS (
  SELECT workflow, status, 1 AS n FROM ${w}upserted
  UNION ALL
  SELECT o.workflow, o.status, -1 FROM ${w}old o JOIN ${w}upserted USING (process_id)
), ${w}deltas AS (
  SELECT workflow, status, sum(n) AS n FROM ${w}moves GROUP BY workflow, status HAVING sum(n) <> 0
), ${w}emptied AS (
  DELETE FROM ${t.tables.counts} c
  WHERE c.n + coalesce((SELECT d.n FROM ${w}deltas d
    WHERE d.workflow = c.workflow AND d.status = c.status), 0) = 0
), ${w}counted AS (
  INSERT INTO ${t.tables.counts} AS c (workflow, status, n)
  SELECT d.workflow, d.status, d.n FROM ${w}deltas d WHERE NOT EXISTS (
    SELECT 1 FROM ${t.tables.counts} e
    WHERE e.workflow = d.workflow AND e.status = d.status AND e.n + d.n = 0)
  ON CONFLICT (workflow, status) DO UPDATE SET n = c.n + EXCLUDED.n
)`,
});

export class PgProcessSummaryStore
  extends PgReadModelStore<SummaryChange>
  implements ProcessSummaryStore
{
  private readonly foldsSql: string;

  constructor(pool: Pool, tables: PgTableSet = PROCESS_SUMMARY_TABLES) {
    super(pool, tables);
    this.foldsSql = `SELECT process_id, fold FROM ${tables.tables.rows} WHERE process_id = ANY($1::uuid[])`;
  }

  protected onTables(tables: PgTableSet): this {
    return new PgProcessSummaryStore(this.pool, tables) as this;
  }

  async loadFolds(processIds: readonly string[]): Promise<Map<string, ProcessState>> {
    const { rows } = await this.pool.query<{ process_id: string; fold: ProcessState }>({
      name: `baton_folds_${this.tables.tables.rows}`,
      text: this.foldsSql,
      values: [processIds],
    });
    return new Map(rows.map((row) => [row.process_id, row.fold]));
  }

  protected readonly columns = ROW_COLUMNS;

  protected partSql(source: string, prefix: string): PartSql {
    return partSql(this.tables, source, prefix);
  }

  protected toRecords(changes: readonly SummaryChange[]): Record<string, unknown>[] {
    return changes.map(({ summary: s, fold }) => ({
      process_id: s.processId,
      workflow: s.workflow,
      workflow_version: s.workflowVersion,
      status: s.status,
      current_step: s.currentStep,
      assignee: s.assignee,
      failed_reason: s.failedReason,
      description: s.description,
      last_callback_at: s.lastCallbackAt,
      last_callback_kind: s.lastCallbackKind,
      wake_at: s.wakeAt,
      revision: s.revision,
      started_at: s.startedAt,
      updated_at: s.updatedAt,
      fold,
    }));
  }

  async list(query: SummaryQuery): Promise<SummaryPage> {
    const sort = query.sort ?? '-startedAt';
    const { column, descending } = SORT_COLUMNS[sort];
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(clause(params.length));
    };
    if (query.status) add((n) => `status = $${n}`, query.status);
    if (query.workflow) add((n) => `workflow = $${n}`, query.workflow);
    if (query.assignee) add((n) => `assignee = $${n}`, query.assignee);
    const words = query.q ? searchWords(query.q) : [];
    if (words.length > 0)
      add((n) => `search @@ to_tsquery('simple', $${n})`, words.map((w) => `${w}:*`).join(' & '));
    if (query.cursor) {
      const c = decodeCursor(query.cursor, sort);
      params.push(c.at, c.processId);
      where.push(
        `(${column}, process_id) ${descending ? '<' : '>'} ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
      );
    }
    params.push(query.limit + 1);
    const direction = descending ? 'DESC' : 'ASC';
    const { rows } = await this.pool.query<Row>(
      `SELECT ${LIST_COLUMNS} FROM ${this.tables.tables.rows}
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${column} ${direction}, process_id ${direction} LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, query.limit).map(toSummary);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor:
        rows.length > query.limit && last ? encodeCursor(sort, sortKey(last, sort)) : null,
    };
  }

  async counts(): Promise<ProcessCounts> {
    const { rows } = await this.pool.query<{ workflow: string; status: string; n: string }>(
      `SELECT workflow, status, n FROM ${this.tables.tables.counts} WHERE n <> 0`,
    );
    return countsFromRows(
      rows.map((r) => ({
        workflow: r.workflow,
        status: r.status as ListedStatus,
        n: Number(r.n),
      })),
    );
  }
}

const SORT_COLUMNS = {
  '-startedAt': { column: 'started_at', descending: true },
  startedAt: { column: 'started_at', descending: false },
  '-updatedAt': { column: 'updated_at', descending: true },
  updatedAt: { column: 'updated_at', descending: false },
} as const;
