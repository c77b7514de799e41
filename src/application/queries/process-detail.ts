/**
 * What an operator sees for one process. Built from the stream itself (not the list read model)
 * so it is never stale right after a command: the detail is what the decider will decide on.
 */
import { JsonObject, ProcessEvent } from '../../domain/process/events';
import {
  ProcessState,
  ProcessStatus,
  TokenStatus,
  currentFailure,
  currentStepName,
} from '../../domain/process/state';
import { Step } from '../../domain/workflow/dsl';
import { RecordedEvent } from '../ports/event-store';
import { toProcessEvent } from '../folding/recorded-events';

export type StepStatus =
  'pending' | 'running' | 'awaiting_callback' | 'suspended' | 'completed' | 'skipped' | 'failed';

export interface StepView {
  index: number;
  name: string;
  kind: Step['kind'];
  status: StepStatus;
  delta: JsonObject | null;
  startedAt: string | null;
  completedAt: string | null;
  durationMs: number | null;
  error: { message: string; details: unknown; retryable: boolean } | null;
}

export interface CallbackView {
  tokenId: string;
  step: string;
  status: TokenStatus;
  expiresAt: string | null;
  actionCompleted: boolean;
  lastProgress: unknown;
}

export interface ProcessDetail {
  id: string;
  workflow: string;
  workflowVersion: number;
  status: ProcessStatus;
  currentStep: string | null;
  assignee: string | null;
  steps: StepView[];
  state: JsonObject;
  form: {
    step: string;
    assignee: string;
    roles: string[] | null;
    title: string;
    schema: JsonObject;
    values: JsonObject;
  } | null;
  callback: CallbackView | null;
  failedReason: string | null;
  failure: {
    step: string;
    message: string;
    details: unknown;
    retryable: boolean;
    retryAt: string | null;
  } | null;
  /** The runner gave up on it (ProcessParked): why, and after how many attempts. Retry resumes. */
  parked: { reason: string; attempts: number; at: string } | null;
  revision: number;
  startedAt: string | null;
  updatedAt: string | null;
}

const stepStatusFor = (status: ProcessStatus): StepStatus =>
  status === 'awaiting_callback' || status === 'suspended'
    ? status
    : status === 'running'
      ? 'running'
      : 'failed';

export const describeSteps = (
  steps: readonly Step[],
  events: RecordedEvent[],
  state: ProcessState,
): StepView[] => {
  const views: StepView[] = steps.map((s, index) => ({
    index,
    name: s.name,
    kind: s.kind,
    status: 'pending',
    delta: null,
    startedAt: null,
    completedAt: null,
    durationMs: null,
    error: null,
  }));
  for (const recorded of events) {
    const event: ProcessEvent = toProcessEvent(recorded);
    if (event.type === 'ProcessRetried') {
      // A retry re-runs from the failed step: later steps show as not yet run again.
      for (const v of views.slice(event.data.fromIndex))
        Object.assign(v, { status: 'pending', error: null });
      continue;
    }
    if (!('index' in event.data) || typeof event.data.index !== 'number') continue;
    const view = views[event.data.index];
    if (!view) continue;
    if (event.type === 'StepCompleted') {
      Object.assign(view, {
        status: 'completed',
        delta: event.data.delta,
        startedAt: event.data.startedAt,
        completedAt: recorded.metadata.at,
        durationMs: event.data.durationMs,
        error: null,
      });
    } else if (event.type === 'StepSkipped') {
      Object.assign(view, { status: 'skipped', completedAt: recorded.metadata.at });
    } else if (event.type === 'StepFailed') {
      Object.assign(view, {
        status: 'failed',
        error: event.data.error,
        completedAt: recorded.metadata.at,
      });
    }
  }
  const current = views[state.index];
  if (
    current &&
    current.status === 'pending' &&
    !['completed', 'aborted', 'failed', 'waiting'].includes(state.status)
  ) {
    current.status = stepStatusFor(state.status);
  }
  return views;
};

export const describeProcess = (
  steps: readonly Step[],
  events: RecordedEvent[],
  state: ProcessState,
): ProcessDetail => {
  const latestToken = [...state.tokens].reverse()[0];
  const failure = currentFailure(state);
  return {
    id: state.processId,
    workflow: state.workflow,
    workflowVersion: state.workflowVersion,
    status: state.status,
    currentStep: currentStepName(
      state,
      steps.map((s) => s.name),
    ),
    assignee: state.pendingForm?.assignee ?? null,
    steps: describeSteps(steps, events, state),
    state: state.state,
    form: state.pendingForm
      ? {
          step: state.pendingForm.name,
          assignee: state.pendingForm.assignee,
          // Who may confirm; null = any operator.
          roles: state.pendingForm.roles ?? null,
          ...state.pendingForm.form,
        }
      : null,
    callback: latestToken
      ? {
          tokenId: latestToken.tokenId,
          step: latestToken.name,
          status: latestToken.status,
          expiresAt: latestToken.expiresAt,
          actionCompleted: latestToken.actionCompleted,
          lastProgress: latestToken.lastProgress,
        }
      : null,
    failedReason: failure?.error.message ?? null,
    failure: failure ? { step: failure.name, ...failure.error, retryAt: state.retryAt } : null,
    parked: state.parked,
    revision: state.revision,
    startedAt: state.startedAt,
    updatedAt: state.updatedAt,
  };
};
