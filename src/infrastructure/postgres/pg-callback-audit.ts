import { Pool } from 'pg';
import { CallbackAuditRow, CallbackAuditStore } from '../../application/ports/callback-audit';
import { PgReadModelStore } from './pg-read-model-store';
import { PgTableSet } from './pg-read-model-tables';
import { PartSql } from './pg-read-model-unit';
import { RowColumn, columnList } from './pg-row-source';

export const CALLBACK_AUDIT_TABLES: PgTableSet = {
  tables: { rows: 'callback_audit' },
  checkpoint: 'projection:callback-audit',
};

interface Row {
  token_id: string;
  process_id: string;
  step_index: number;
  step_name: string;
  status: CallbackAuditRow['status'];
  issued_at: Date;
  expires_at: Date | null;
  action_completed_at: Date | null;
  progress: CallbackAuditRow['progress'];
  received_at: Date | null;
  payload: CallbackAuditRow['payload'];
  rejections: CallbackAuditRow['rejections'];
  expired_at: Date | null;
  revoked_at: Date | null;
  revoked_reason: string | null;
  revision: number;
}

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

const toEntry = (r: Row): CallbackAuditRow => ({
  tokenId: r.token_id,
  processId: r.process_id,
  stepIndex: r.step_index,
  stepName: r.step_name,
  status: r.status,
  issuedAt: r.issued_at.toISOString(),
  expiresAt: iso(r.expires_at),
  actionCompletedAt: iso(r.action_completed_at),
  progress: r.progress,
  receivedAt: iso(r.received_at),
  payload: r.payload,
  rejections: r.rejections,
  expiredAt: iso(r.expired_at),
  revokedAt: iso(r.revoked_at),
  revokedReason: r.revoked_reason,
  revision: r.revision,
});

const ROW_COLUMNS: readonly RowColumn[] = [
  { name: 'token_id', type: 'text' },
  { name: 'process_id', type: 'uuid' },
  { name: 'step_index', type: 'int' },
  { name: 'step_name', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'issued_at', type: 'timestamptz' },
  { name: 'expires_at', type: 'timestamptz' },
  { name: 'action_completed_at', type: 'timestamptz' },
  { name: 'progress', type: 'jsonb' },
  { name: 'received_at', type: 'timestamptz' },
  { name: 'payload', type: 'jsonb' },
  { name: 'rejections', type: 'jsonb' },
  { name: 'expired_at', type: 'timestamptz' },
  { name: 'revoked_at', type: 'timestamptz' },
  { name: 'revoked_reason', type: 'text' },
  { name: 'revision', type: 'int' },
];

const COLUMNS = columnList(ROW_COLUMNS);

/** Whole rows arrive (pg-row-source.ts); a row only replaces an older revision of itself. */
const partSql = (t: PgTableSet, source: string, w: string): PartSql => ({
  ctes: `${w}upserted AS (
  INSERT INTO ${t.tables.rows} AS a (${COLUMNS})
  SELECT ${COLUMNS} FROM ${source}
  ON CONFLICT (token_id) DO UPDATE SET status = EXCLUDED.status,
    expires_at = EXCLUDED.expires_at, action_completed_at = EXCLUDED.action_completed_at,
    progress = EXCLUDED.progress, received_at = EXCLUDED.received_at,
    payload = EXCLUDED.payload, rejections = EXCLUDED.rejections,
    expired_at = EXCLUDED.expired_at, revoked_at = EXCLUDED.revoked_at,
    revoked_reason = EXCLUDED.revoked_reason, revision = EXCLUDED.revision
  WHERE a.revision < EXCLUDED.revision
  RETURNING 1
)`,
});

export class PgCallbackAuditStore
  extends PgReadModelStore<CallbackAuditRow>
  implements CallbackAuditStore
{
  constructor(pool: Pool, tables: PgTableSet = CALLBACK_AUDIT_TABLES) {
    super(pool, tables);
  }

  protected onTables(tables: PgTableSet): this {
    return new PgCallbackAuditStore(this.pool, tables) as this;
  }

  protected readonly columns = ROW_COLUMNS;

  protected partSql(source: string, prefix: string): PartSql {
    return partSql(this.tables, source, prefix);
  }

  protected toRecords(rows: readonly CallbackAuditRow[]): Record<string, unknown>[] {
    return rows.map((r) => ({
      token_id: r.tokenId,
      process_id: r.processId,
      step_index: r.stepIndex,
      step_name: r.stepName,
      status: r.status,
      issued_at: r.issuedAt,
      expires_at: r.expiresAt,
      action_completed_at: r.actionCompletedAt,
      progress: r.progress,
      received_at: r.receivedAt,
      payload: r.payload,
      rejections: r.rejections,
      expired_at: r.expiredAt,
      revoked_at: r.revokedAt,
      revoked_reason: r.revokedReason,
      revision: r.revision,
    }));
  }

  async load(tokenIds: readonly string[]): Promise<Map<string, CallbackAuditRow>> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM ${this.tables.tables.rows} WHERE token_id = ANY($1::text[])`,
      [tokenIds],
    );
    return new Map(rows.map((r) => [r.token_id, toEntry(r)]));
  }

  /** One statement for any number of processes (a page of a GraphQL list, say). */
  async ofProcesses(processIds: readonly string[]): Promise<Map<string, CallbackAuditRow[]>> {
    const found = new Map<string, CallbackAuditRow[]>(processIds.map((id) => [id, []]));
    if (processIds.length === 0) return found;
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM ${this.tables.tables.rows} WHERE process_id = ANY($1::uuid[])
       ORDER BY process_id, issued_at, token_id`,
      [processIds],
    );
    for (const row of rows) found.get(row.process_id)?.push(toEntry(row));
    return found;
  }
}
