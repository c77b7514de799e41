/**
 * TEST-ONLY stand-ins for the read-model query handlers that the `readmodels` branch builds
 * (callback audit, counts), so the GraphQL fields that use them can be tested before it lands.
 * Each answers with one SQL statement, as the real, projection-backed handlers do. Delete this
 * file once those handlers are in main.
 */
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import {
  CallbackAuditEntry,
  GetCallbacksOfProcessesQuery,
  GetProcessCallbacksQuery,
  GetProcessCountsQuery,
  ProcessCounts,
} from '../../src/application/queries/read-model-queries';
import { NotFoundError } from '../../src/domain/errors';

export const INTERIM_POOL = Symbol('InterimPool');

interface Row {
  stream_id: string;
  type: string;
  data: any;
  at: string;
}

const auditOf = (rows: Row[]): Map<string, CallbackAuditEntry[]> => {
  const byProcess = new Map<string, CallbackAuditEntry[]>();
  const byToken = new Map<string, CallbackAuditEntry>();
  for (const { stream_id, type, data, at } of rows) {
    const processId = stream_id.replace(/^process-/, '');
    if (type === 'CallbackIssued') {
      const entry: CallbackAuditEntry = {
        tokenId: data.tokenId,
        processId,
        stepIndex: data.index,
        stepName: data.name,
        status: 'issued',
        issuedAt: at,
        expiresAt: data.expiresAt ?? null,
        actionCompletedAt: null,
        progress: [],
        receivedAt: null,
        payload: null,
        rejections: [],
        expiredAt: null,
        revokedAt: null,
        revokedReason: null,
      };
      byToken.set(data.tokenId, entry);
      byProcess.set(processId, [...(byProcess.get(processId) ?? []), entry]);
      continue;
    }
    const entry = byToken.get(data.tokenId);
    if (!entry) continue;
    if (type === 'CallbackActionCompleted')
      Object.assign(entry, { status: 'action_completed', actionCompletedAt: at });
    if (type === 'CallbackProgressReported') entry.progress.push({ at, progress: data.progress });
    if (type === 'CallbackReceived')
      Object.assign(entry, { status: 'received', receivedAt: at, payload: data.payload });
    if (type === 'CallbackRejected')
      entry.rejections.push({ at, reason: data.reason, detail: data.detail });
    if (type === 'CallbackExpired') Object.assign(entry, { status: 'expired', expiredAt: at });
    if (type === 'CallbackRevoked')
      Object.assign(entry, { status: 'revoked', revokedAt: at, revokedReason: data.reason });
  }
  return byProcess;
};

const readAudit = async (pool: Pool, ids: readonly string[]) => {
  const { rows } = await pool.query<Row>(
    `SELECT stream_id, type, data, metadata->>'at' AS at FROM events
     WHERE stream_id = ANY($1::text[]) AND type LIKE 'Callback%' ORDER BY stream_id, revision`,
    [ids.map((id) => `process-${id}`)],
  );
  return auditOf(rows);
};

@QueryHandler(GetCallbacksOfProcessesQuery)
export class InterimCallbacksOfProcessesHandler implements IQueryHandler<GetCallbacksOfProcessesQuery> {
  constructor(@Inject(INTERIM_POOL) private readonly pool: Pool) {}
  execute(query: GetCallbacksOfProcessesQuery) {
    return readAudit(this.pool, query.processIds);
  }
}

@QueryHandler(GetProcessCallbacksQuery)
export class InterimProcessCallbacksHandler implements IQueryHandler<GetProcessCallbacksQuery> {
  constructor(@Inject(INTERIM_POOL) private readonly pool: Pool) {}
  async execute(query: GetProcessCallbacksQuery) {
    const known = await this.pool.query('SELECT 1 FROM events WHERE stream_id = $1 LIMIT 1', [
      `process-${query.processId}`,
    ]);
    if (known.rowCount === 0) throw new NotFoundError('Process not found');
    return (await readAudit(this.pool, [query.processId])).get(query.processId) ?? [];
  }
}

@QueryHandler(GetProcessCountsQuery)
export class InterimCountsHandler implements IQueryHandler<GetProcessCountsQuery> {
  constructor(@Inject(INTERIM_POOL) private readonly pool: Pool) {}
  async execute(): Promise<ProcessCounts> {
    const { rows } = await this.pool.query<{ workflow: string; status: string; n: number }>(
      'SELECT workflow, status, count(*)::int AS n FROM process_summaries GROUP BY 1, 2',
    );
    const counts: ProcessCounts = { total: 0, byStatus: {}, byWorkflow: [] };
    for (const { workflow, status, n } of rows) {
      const key = status as keyof ProcessCounts['byStatus'];
      counts.total += n;
      counts.byStatus[key] = (counts.byStatus[key] ?? 0) + n;
      let w = counts.byWorkflow.find((x) => x.workflow === workflow);
      if (!w) counts.byWorkflow.push((w = { workflow, total: 0, byStatus: {} }));
      w.total += n;
      w.byStatus[key] = n;
    }
    return counts;
  }
}

export const interimReadModelProviders = (pool: Pool) => [
  { provide: INTERIM_POOL, useValue: pool },
  InterimCallbacksOfProcessesHandler,
  InterimProcessCallbacksHandler,
  InterimCountsHandler,
];
