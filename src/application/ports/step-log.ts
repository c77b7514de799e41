import { JsonObject, StepError } from '../../domain/process/events';
import { ReadModelStore } from './read-model-store';

export type StepExecutionStatus =
  | 'running'
  | 'awaiting_callback'
  | 'suspended'
  | 'completed'
  | 'skipped'
  | 'failed'
  | 'interrupted'
  | 'aborted'
  /** Still open, but the runner gave up on the process (ProcessParked) until a retry. */
  | 'parked';

/** One execution of one step of one process. */
export interface StepExecution {
  processId: string;
  /** Revision of the event that started the execution: its key within the process. */
  seq: number;
  index: number;
  name: string;
  status: StepExecutionStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  /** What the step changed in the process state (completed steps). */
  delta: JsonObject | null;
  removedKeys: string[];
  error: StepError | null;
  /** Revision of the last event applied to this row. */
  revision: number;
}

export interface StepLogStore extends ReadModelStore<StepExecution> {
  /** The most recent execution of each process (the only one a later event can change). */
  latest(processIds: readonly string[]): Promise<Map<string, StepExecution>>;
  ofProcess(processId: string): Promise<StepExecution[]>;
}

export const STEP_LOG_STORE = Symbol('StepLogStore');
