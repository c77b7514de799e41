/**
 * The API's shapes, taken from the service's own source as types only (erased from the bundle),
 * so the UI cannot drift from what the API answers.
 */
export type { ProcessDetail, StepView } from '../../../src/application/queries/process-detail';
export type { WorkflowView } from '../../../src/application/queries/list-workflows';
export type { ProcessSummary, SummaryPage } from '../../../src/application/ports/process-summaries';
export type {
  CallbackAuditEntry,
  ProcessCounts,
} from '../../../src/application/queries/read-model-queries';
export type { ProcessStatus } from '../../../src/domain/process/state';

/** One event of `GET /api/processes/{id}/events`. */
export interface HistoryEvent {
  type: string;
  data: Record<string, unknown>;
  metadata: { at: string; actor?: string; correlationId?: string; [key: string]: unknown };
  revision: number;
  position: number;
}

/** `GET /api/processes/{id}/verify`: the stream's chain, and what the ledger recorded for it. */
export type { ProcessVerdict as ChainVerdict } from '../../../src/application/queries/history-queries';
