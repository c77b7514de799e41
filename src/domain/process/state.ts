/**
 * Process state is a left fold of the stream: `evolve` copies, never mutates, so any revision's
 * state can be rebuilt by folding a prefix of the history (auditors, `state?revision=N`).
 */
import { assertNever } from '../errors';
import { FormSnapshot, JsonObject, ProcessEvent, StepError } from './events';

export type ProcessStatus =
  | 'created'
  | 'running'
  | 'awaiting_callback'
  | 'suspended'
  | 'waiting'
  | 'failed'
  | 'aborted'
  | 'completed';

/** Every status, in lifecycle order (for validation, docs and per-status metrics). */
export const PROCESS_STATUSES: readonly ProcessStatus[] = [
  'created',
  'running',
  'awaiting_callback',
  'suspended',
  'waiting',
  'failed',
  'aborted',
  'completed',
];

export const FINAL_STATUSES: readonly ProcessStatus[] = ['completed', 'aborted'];

export type TokenStatus = 'open' | 'received' | 'revoked' | 'expired';

export interface CallbackToken {
  tokenId: string;
  tokenHash: string;
  index: number;
  name: string;
  status: TokenStatus;
  expiresAt: string | null;
  /** The action that was handed this token returned; without it a restart re-issues. */
  actionCompleted: boolean;
  payloadHash: string | null;
  payload: JsonObject | null;
  lastProgress: unknown;
  /** Progress reports accepted on this token, and the sum of their sizes (`progressSize`). */
  progressReports: number;
  progressBytes: number;
  /** When CallbackIssued was recorded: a hard timeout counts from here. */
  issuedAt: string;
}

export interface PendingForm {
  index: number;
  name: string;
  assignee: string;
  form: FormSnapshot;
  /** Who may confirm (any of these roles); absent = any operator. */
  roles?: string[];
}

export interface Failure {
  index: number;
  name: string;
  error: StepError;
  at: string;
}

export interface ProcessState {
  processId: string;
  workflow: string;
  workflowVersion: number;
  status: ProcessStatus;
  /** Index of the next step to run (the pending one while suspended or awaiting a callback). */
  index: number;
  state: JsonObject;
  /** Revision of the last event folded in; -1 before the process exists. */
  revision: number;
  tokens: CallbackToken[];
  pendingForm: PendingForm | null;
  failure: Failure | null;
  /** When a `waiting` process is retried automatically. */
  retryAt: string | null;
  /** Failures so far per step index, for retry backoff. */
  attempts: Record<number, number>;
  startedAt: string | null;
  updatedAt: string | null;
  abortReason: string | null;
  /** Set while the runner has given up on the process (ProcessParked) until an operator retries. */
  parked: { reason: string; attempts: number; at: string } | null;
  /** The first stored event this version could not read, if any: the runner will not drive it. */
  unreadable: { type: string; revision: number } | null;
}

export const initialProcessState = (): ProcessState => ({
  processId: '',
  workflow: '',
  workflowVersion: 0,
  status: 'created',
  index: 0,
  state: {},
  revision: -1,
  tokens: [],
  pendingForm: null,
  failure: null,
  retryAt: null,
  attempts: {},
  startedAt: null,
  updatedAt: null,
  abortReason: null,
  parked: null,
  unreadable: null,
});

export const openToken = (s: ProcessState): CallbackToken | undefined =>
  s.tokens.find((t) => t.status === 'open');

/**
 * The awaited token whose action never reported back (after a crash, or on another instance):
 * whether the remote service got the request is unknown.
 */
export const tokenInDoubt = (s: ProcessState): CallbackToken | undefined => {
  const token = s.status === 'awaiting_callback' ? openToken(s) : undefined;
  return token && !token.actionCompleted ? token : undefined;
};

/** The failure that holds the process now; an earlier one a retry cleared does not count. */
export const currentFailure = (s: ProcessState): Failure | null =>
  s.status === 'failed' || s.status === 'waiting' ? s.failure : null;

/** Name of the step the process is at (from its definition's step names), null once completed. */
export const currentStepName = (s: ProcessState, stepNames: readonly string[]): string | null =>
  s.status === 'completed' ? null : (stepNames[s.index] ?? null);

const updateToken = (
  s: ProcessState,
  tokenId: string,
  change: Partial<CallbackToken> | ((token: CallbackToken) => Partial<CallbackToken>),
): CallbackToken[] =>
  s.tokens.map((t) =>
    t.tokenId === tokenId ? { ...t, ...(typeof change === 'function' ? change(t) : change) } : t,
  );

/**
 * What a progress report weighs against its token's byte limit: its text, or its JSON. The
 * decider and the fold measure alike, so the limit holds on every instance.
 */
export const progressSize = (progress: unknown): number =>
  typeof progress === 'string' ? progress.length : (JSON.stringify(progress) ?? '').length;

export const applyDelta = (
  state: JsonObject,
  delta: JsonObject,
  removedKeys: string[],
): JsonObject => {
  const next: JsonObject = { ...state, ...delta };
  for (const key of removedKeys) delete next[key];
  return next;
};

/** Applies one event. `at` is the event's metadata time, kept for display and timers. */
export const evolve = (s: ProcessState, event: ProcessEvent, at: string): ProcessState => {
  const base = { ...s, revision: s.revision + 1, updatedAt: at };
  switch (event.type) {
    case 'ProcessStarted':
      return {
        ...base,
        processId: event.data.processId,
        workflow: event.data.workflow,
        workflowVersion: event.data.workflowVersion,
        status: 'running',
        state: event.data.state,
        startedAt: at,
      };
    case 'StepCompleted':
      return {
        ...base,
        status: 'running',
        index: event.data.index + 1,
        state: applyDelta(s.state, event.data.delta, event.data.removedKeys),
        failure: null,
      };
    case 'StepSkipped':
      return { ...base, status: 'running', index: event.data.index + 1 };
    case 'StepFailed': {
      const attempts = {
        ...s.attempts,
        [event.data.index]: (s.attempts[event.data.index] ?? 0) + 1,
      };
      const failure = {
        index: event.data.index,
        name: event.data.name,
        error: event.data.error,
        at,
      };
      const retryAt = event.data.retryAt ?? null;
      return { ...base, status: retryAt ? 'waiting' : 'failed', failure, retryAt, attempts };
    }
    case 'CallbackIssued':
      return {
        ...base,
        status: 'awaiting_callback',
        tokens: [
          ...s.tokens,
          {
            tokenId: event.data.tokenId,
            tokenHash: event.data.tokenHash,
            index: event.data.index,
            name: event.data.name,
            status: 'open',
            expiresAt: event.data.expiresAt,
            actionCompleted: false,
            payloadHash: null,
            payload: null,
            lastProgress: null,
            progressReports: 0,
            progressBytes: 0,
            issuedAt: at,
          },
        ],
      };
    case 'CallbackActionCompleted':
      return { ...base, tokens: updateToken(s, event.data.tokenId, { actionCompleted: true }) };
    case 'CallbackProgressReported':
      return {
        ...base,
        tokens: updateToken(s, event.data.tokenId, (token) => ({
          lastProgress: event.data.progress,
          progressReports: token.progressReports + 1,
          progressBytes: token.progressBytes + progressSize(event.data.progress),
          // a heartbeat moves the deadline; a report without one leaves it where it was
          ...(event.data.expiresAt !== undefined ? { expiresAt: event.data.expiresAt } : {}),
        })),
      };
    case 'CallbackReceived':
      return {
        ...base,
        status: 'running',
        tokens: updateToken(s, event.data.tokenId, {
          status: 'received',
          payload: event.data.payload,
          payloadHash: event.data.payloadHash,
        }),
      };
    case 'CallbackRejected':
      return base; // audit only: a refusal changes nothing
    case 'CallbackExpired':
      return {
        ...base,
        status: 'failed',
        tokens: updateToken(s, event.data.tokenId, { status: 'expired' }),
      };
    case 'CallbackRevoked':
      // Revoking the awaited token hands the step back to the runner (re-issue after a crash);
      // abort, retry and a failed action append their own status event right after it.
      return {
        ...base,
        status: s.status === 'awaiting_callback' ? 'running' : s.status,
        tokens: updateToken(s, event.data.tokenId, { status: 'revoked' }),
      };
    case 'InputRequested':
      return { ...base, status: 'suspended', pendingForm: { ...event.data } };
    case 'ConfirmationGiven':
      return { ...base, status: 'running', pendingForm: null };
    case 'ProcessRetried':
      return {
        ...base,
        status: 'running',
        index: event.data.fromIndex,
        failure: null,
        retryAt: null,
      };
    case 'ProcessAborted':
      return {
        ...base,
        status: 'aborted',
        pendingForm: null,
        retryAt: null,
        abortReason: event.data.reason,
      };
    case 'ProcessCompleted':
      return { ...base, status: 'completed' };
    case 'ProcessParked':
      return { ...base, parked: { ...event.data, at } };
    case 'ProcessUnparked':
      return { ...base, parked: null };
    case 'EventNotUnderstood':
      return {
        ...base,
        unreadable: s.unreadable ?? { type: event.data.type, revision: base.revision },
      };
    default:
      return assertNever(event);
  }
};
