/**
 * The read side's query contract beyond the process list and detail (issue #6): the callback
 * audit and the status counts. REST and GraphQL both ask through these queries; the handlers
 * live next to the projections that maintain the rows they read.
 */
import { Query } from '@nestjs/cqrs';
import { CallbackRejectionReason } from '../../domain/process/events';
import { ProcessStatus } from '../../domain/process/state';

/** One progress report as the runner sent it. */
export interface CallbackProgressEntry {
  at: string;
  progress: unknown;
}

export interface CallbackRejectionEntry {
  at: string;
  reason: CallbackRejectionReason;
  detail: string;
}

/** What happened to one callback token, never the token itself. */
export interface CallbackAuditEntry {
  tokenId: string;
  processId: string;
  stepIndex: number;
  stepName: string;
  status: 'issued' | 'action_completed' | 'received' | 'expired' | 'revoked';
  issuedAt: string;
  expiresAt: string | null;
  actionCompletedAt: string | null;
  progress: CallbackProgressEntry[];
  receivedAt: string | null;
  /** The accepted payload, as recorded in CallbackReceived. */
  payload: Record<string, unknown> | null;
  rejections: CallbackRejectionEntry[];
  expiredAt: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
}

/** Callback audit of one process, oldest token first; NotFoundError for an unknown process. */
export class GetProcessCallbacksQuery extends Query<CallbackAuditEntry[]> {
  constructor(
    readonly processId: string,
    /** The process revision the caller has seen: the answer shows at least that (bounded wait). */
    readonly seenRevision?: number,
  ) {
    super();
  }
}

/** A process's status as the read models show it: parked while the runner has given up on it. */
export type ListedStatus = ProcessStatus | 'parked';

export type StatusCounts = Partial<Record<ListedStatus, number>>;

export interface ProcessCounts {
  total: number;
  byStatus: StatusCounts;
  byWorkflow: Array<{ workflow: string; total: number; byStatus: StatusCounts }>;
}

export class GetProcessCountsQuery extends Query<ProcessCounts> {}

/**
 * The callback audit of many processes at once, for batched lookups (GraphQL's DataLoader):
 * one read for a whole page. Unknown ids map to an empty list.
 */
export class GetCallbacksOfProcessesQuery extends Query<Map<string, CallbackAuditEntry[]>> {
  constructor(readonly processIds: readonly string[]) {
    super();
  }
}
