import { ProcessStatus } from '../../domain/process/state';

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
  /** When the runner must look at the process again without an outside trigger. */
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

export interface ProcessSummaryStore {
  /** Writes the summary unless a newer revision is already stored (replays are harmless). */
  upsert(summary: ProcessSummary): Promise<void>;
  list(query: SummaryQuery): Promise<SummaryPage>;
  /** Ids of processes whose wake time has come. */
  due(now: Date, limit: number): Promise<string[]>;
}

export const PROCESS_SUMMARY_STORE = Symbol('ProcessSummaryStore');
