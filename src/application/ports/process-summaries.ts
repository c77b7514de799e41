import { ProcessState } from '../../domain/process/state';
import { ListedStatus, ProcessCounts } from '../queries/read-model-queries';
import { ReadModelStore } from './read-model-store';

/** What the callback audit's last entry was, as the process list shows it. */
export type CallbackActivityKind =
  'issued' | 'action_completed' | 'progress' | 'received' | 'rejected' | 'expired' | 'revoked';

/** One row of the process list read model. */
export interface ProcessSummary {
  processId: string;
  workflow: string;
  workflowVersion: number;
  status: ListedStatus;
  /** Name of the step the process is at (null once completed). */
  currentStep: string | null;
  /** Who must act on the pending form, when suspended. */
  assignee: string | null;
  failedReason: string | null;
  /** Customer-visible description from the workflow's `describe(input)` (null without one). */
  description: string | null;
  /** Time and kind of the last callback event (null before the first). */
  lastCallbackAt: string | null;
  lastCallbackKind: CallbackActivityKind | null;
  /** When the runner looks at the process again by itself (shown only; timers fire from the store's). */
  wakeAt: string | null;
  revision: number;
  startedAt: string;
  updatedAt: string;
}

/** Orders of the list: newest first by default; `-` means descending. */
export const SUMMARY_SORTS = ['-startedAt', 'startedAt', '-updatedAt', 'updatedAt'] as const;
export type SummarySort = (typeof SUMMARY_SORTS)[number];

export interface SummaryQuery {
  status?: ListedStatus;
  workflow?: string;
  assignee?: string;
  /** Words that must all begin a word of the workflow name or description. */
  q?: string;
  sort?: SummarySort;
  limit: number;
  /** Opaque cursor from a previous page (of the same sort). */
  cursor?: string;
}

export interface SummaryPage {
  items: ProcessSummary[];
  nextCursor: string | null;
}

/**
 * One row to write: the list's columns and the fold they were derived from. `description`,
 * `lastCallbackAt` and `lastCallbackKind` are null when the batch did not change them: the
 * stored values stay.
 */
export interface SummaryChange {
  summary: ProcessSummary;
  fold: ProcessState;
}

export interface ProcessSummaryStore extends ReadModelStore<SummaryChange> {
  /** The stored folds of these processes (absent: not stored yet). */
  loadFolds(processIds: readonly string[]): Promise<Map<string, ProcessState>>;
  list(query: SummaryQuery): Promise<SummaryPage>;
  /** Processes by status and workflow, kept up to date with the rows (never a scan). */
  counts(): Promise<ProcessCounts>;
}

export const PROCESS_SUMMARY_STORE = Symbol('ProcessSummaryStore');

/** Splits a text search into the words it must match (letters and digits only). */
export const searchWords = (q: string, max = 16): string[] =>
  q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, max);
