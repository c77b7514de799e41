/** Event builders for decider specs: a history reads like what happened. */
import { JsonObject, ProcessEvent } from '../../src/domain/process/events';

export const started = (state: JsonObject = {}): ProcessEvent => ({
  type: 'ProcessStarted',
  data: { processId: 'p1', workflow: 'wf', workflowVersion: 1, input: state, state, by: 'alice' },
});

export const completed = (index: number, delta: JsonObject = {}): ProcessEvent => ({
  type: 'StepCompleted',
  data: { index, name: `step ${index}`, delta, removedKeys: [], startedAt: 'T', durationMs: 1 },
});

export const issued = (
  index: number,
  tokenId = 't1',
  expiresAt: string | null = null,
): ProcessEvent => ({
  type: 'CallbackIssued',
  data: { index, name: `step ${index}`, tokenId, tokenHash: `hash-${tokenId}`, expiresAt },
});

export const actionDone = (index: number, tokenId = 't1'): ProcessEvent => ({
  type: 'CallbackActionCompleted',
  data: { index, name: `step ${index}`, tokenId, startedAt: 'T', durationMs: 5 },
});

export const received = (
  tokenId = 't1',
  payload: JsonObject = { return_code: 0 },
  payloadHash = 'ph1',
): ProcessEvent => ({
  type: 'CallbackReceived',
  data: { tokenId, payload, payloadHash },
});

export const failed = (
  index: number,
  message = 'Callback failure',
  retryable = false,
): ProcessEvent => ({
  type: 'StepFailed',
  data: { index, name: `step ${index}`, error: { message, details: null, retryable } },
});

export const revoked = (tokenId: string, reason: string): ProcessEvent => ({
  type: 'CallbackRevoked',
  data: { tokenId, reason },
});

export const rejected = (tokenId: string, reason: string, detail: string): ProcessEvent =>
  ({ type: 'CallbackRejected', data: { tokenId, reason, detail } }) as ProcessEvent;

export const inputRequested = (index: number): ProcessEvent => ({
  type: 'InputRequested',
  data: {
    index,
    name: `step ${index}`,
    assignee: 'SYSTEM',
    form: { title: 'Confirm', schema: {}, values: {} },
  },
});

/** A process waiting at step 1 for callback t1, its action already returned. */
export const awaiting = (): ProcessEvent[] => [
  started({ a: 1 }),
  completed(0),
  issued(1),
  actionDone(1),
];
