import { Pool } from 'pg';
import { StepExecution, StepLogStore } from '../../application/ports/step-log';
import { PgReadModelStore } from './pg-read-model-store';
import { PgTableSet } from './pg-read-model-tables';
import { PartSql } from './pg-read-model-unit';
import { RowColumn, columnList } from './pg-row-source';

export const STEP_LOG_TABLES: PgTableSet = {
  tables: { rows: 'step_log' },
  checkpoint: 'projection:step-log',
};

interface Row {
  process_id: string;
  seq: number;
  step_index: number;
  name: string;
  status: StepExecution['status'];
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
  delta: StepExecution['delta'];
  removed_keys: string[];
  error: StepExecution['error'];
  revision: number;
}

const toExecution = (r: Row): StepExecution => ({
  processId: r.process_id,
  seq: r.seq,
  index: r.step_index,
  name: r.name,
  status: r.status,
  startedAt: r.started_at.toISOString(),
  finishedAt: r.finished_at?.toISOString() ?? null,
  durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
  delta: r.delta,
  removedKeys: r.removed_keys,
  error: r.error,
  revision: r.revision,
});

const ROW_COLUMNS: readonly RowColumn[] = [
  { name: 'process_id', type: 'uuid' },
  { name: 'seq', type: 'int' },
  { name: 'step_index', type: 'int' },
  { name: 'name', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'started_at', type: 'timestamptz' },
  { name: 'finished_at', type: 'timestamptz' },
  { name: 'duration_ms', type: 'bigint' },
  { name: 'delta', type: 'jsonb' },
  { name: 'removed_keys', type: 'jsonb' },
  { name: 'error', type: 'jsonb' },
  { name: 'revision', type: 'int' },
];

const COLUMNS = columnList(ROW_COLUMNS);

const partSql = (t: PgTableSet, source: string, w: string): PartSql => ({
  ctes: `${w}upserted AS (
  INSERT INTO ${t.tables.rows} AS s (${COLUMNS})
  SELECT ${COLUMNS}
  FROM ${source}
  ON CONFLICT (process_id, seq) DO UPDATE SET status = EXCLUDED.status,
    finished_at = EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms,
    delta = EXCLUDED.delta, removed_keys = EXCLUDED.removed_keys, error = EXCLUDED.error,
    revision = EXCLUDED.revision
  WHERE s.revision < EXCLUDED.revision
  RETURNING 1
)`,
});

export class PgStepLogStore extends PgReadModelStore<StepExecution> implements StepLogStore {
  constructor(pool: Pool, tables: PgTableSet = STEP_LOG_TABLES) {
    super(pool, tables);
  }

  protected onTables(tables: PgTableSet): this {
    return new PgStepLogStore(this.pool, tables) as this;
  }

  protected readonly columns = ROW_COLUMNS;

  protected partSql(source: string, prefix: string): PartSql {
    return partSql(this.tables, source, prefix);
  }

  protected toRecords(rows: readonly StepExecution[]): Record<string, unknown>[] {
    return rows.map((r) => ({
      process_id: r.processId,
      seq: r.seq,
      step_index: r.index,
      name: r.name,
      status: r.status,
      started_at: r.startedAt,
      finished_at: r.finishedAt,
      duration_ms: r.durationMs,
      delta: r.delta,
      removed_keys: r.removedKeys,
      error: r.error,
      revision: r.revision,
    }));
  }

  async latest(processIds: readonly string[]): Promise<Map<string, StepExecution>> {
    const { rows } = await this.pool.query<Row>(
      `SELECT DISTINCT ON (process_id) ${COLUMNS} FROM ${this.tables.tables.rows}
       WHERE process_id = ANY($1::uuid[]) ORDER BY process_id, seq DESC`,
      [processIds],
    );
    return new Map(rows.map((r) => [r.process_id, toExecution(r)]));
  }

  async ofProcess(processId: string): Promise<StepExecution[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM ${this.tables.tables.rows} WHERE process_id = $1 ORDER BY seq`,
      [processId],
    );
    return rows.map(toExecution);
  }
}
