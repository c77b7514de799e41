import { ProcessState, ProcessStatus } from '../../domain/process/state';

/** One row of the process list read model. */
export interface ProcessSummary {
  processId: string;
  workflow: string;
  workflowVersion: number;
  status: ProcessStatus;
  /** Name of the step the process is at (null once completed). */
  currentStep: string | null;
  /** Who must act on the pending form, when suspended. */
  assignee: string | null;
  failedReason: string | null;
  /** When the runner looks at the process again by itself (shown only; timers fire from the store's). */
  wakeAt: string | null;
  revision: number;
  startedAt: string;
  updatedAt: string;
}

export interface SummaryQuery {
  status?: ProcessStatus;
  workflow?: string;
  limit: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

export interface SummaryPage {
  items: ProcessSummary[];
  nextCursor: string | null;
}

/** One row to write: the list's columns and the fold they were derived from. */
export interface SummaryChange {
  summary: ProcessSummary;
  fold: ProcessState;
}

export interface ProcessSummaryStore {
  /** Position of the last event applied (0 when none): the projection's checkpoint. */
  appliedPosition(): Promise<number>;
  /** The stored folds of these processes (absent: not stored yet). */
  loadFolds(processIds: readonly string[]): Promise<Map<string, ProcessState>>;
  /**
   * Writes the rows and the checkpoint atomically: either the batch counts as applied or none
   * of it does. A row is only replaced by a higher revision, so redeliveries are harmless.
   * Without a position (a rebuild, which sets the checkpoint once at the end) only the rows.
   */
  applyBatch(changes: readonly SummaryChange[], position: number | null): Promise<void>;
  /** Forgets every row and the checkpoint: the next apply replays from the first event. */
  reset(): Promise<void>;
  list(query: SummaryQuery): Promise<SummaryPage>;
  /** Processes per status, for metrics scraped every few seconds: must stay cheap. */
  countByStatus(): Promise<Partial<Record<ProcessStatus, number>>>;
}

export const PROCESS_SUMMARY_STORE = Symbol('ProcessSummaryStore');
