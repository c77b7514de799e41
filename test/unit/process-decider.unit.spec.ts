import {
  ConflictError,
  GoneError,
  IllegalStateError,
  NotFoundError,
  ValidationError,
} from '../../src/domain/errors';
import { given } from '../support/given';
import {
  actionDone,
  awaiting,
  completed,
  failed,
  inputRequested,
  issued,
  received,
  rejected,
  revoked,
  started,
} from './process-fixtures';

const callback = (
  payloadHash: string,
  payload: Record<string, unknown> = { return_code: 0 },
  tokenId = 't1',
) => ({ type: 'ReceiveCallback', tokenId, payload, payloadHash, payloadError: null }) as const;

describe('process decider: start and plain steps', () => {
  it('starts a process running at step 0', () => {
    const s = given([])
      .when({
        type: 'StartProcess',
        processId: 'p1',
        workflow: 'wf',
        workflowVersion: 1,
        input: { a: 1 },
        initialState: { a: 1 },
        by: 'alice',
      })
      .then([started({ a: 1 })]);
    expect(s).toMatchObject({ status: 'running', index: 0, state: { a: 1 }, revision: 0 });
  });

  it('refuses to start a process twice', () => {
    given([started()])
      .when({
        type: 'StartProcess',
        processId: 'p1',
        workflow: 'wf',
        workflowVersion: 1,
        input: {},
        initialState: {},
        by: 'alice',
      })
      .thenThrows(IllegalStateError);
  });

  it('merges step deltas and removes keys in order', () => {
    const s = given([started({ a: 1, b: 2 })])
      .when({
        type: 'CompleteStep',
        index: 0,
        name: 'step 0',
        delta: { c: 3 },
        removedKeys: ['b'],
        startedAt: 'T',
        durationMs: 1,
      })
      .then([
        {
          type: 'StepCompleted',
          data: {
            index: 0,
            name: 'step 0',
            delta: { c: 3 },
            removedKeys: ['b'],
            startedAt: 'T',
            durationMs: 1,
          },
        },
      ]);
    expect(s.state).toEqual({ a: 1, c: 3 });
    expect(s.index).toBe(1);
  });

  it('completes the process with the last step, in the same append', () => {
    const step = { name: 'step 1', delta: {}, removedKeys: [], startedAt: 'T', durationMs: 1 };
    const s = given([started(), completed(0)])
      .when({ type: 'CompleteStep', index: 1, stepCount: 2, ...step })
      .then([
        { type: 'StepCompleted', data: { index: 1, ...step } },
        { type: 'ProcessCompleted', data: {} },
      ]);
    expect(s.status).toBe('completed');
  });

  it('does not complete the process with a step that is not the last', () => {
    const step = { name: 'step 0', delta: {}, removedKeys: [], startedAt: 'T', durationMs: 1 };
    given([started()])
      .when({ type: 'CompleteStep', index: 0, stepCount: 2, ...step })
      .then([{ type: 'StepCompleted', data: { index: 0, ...step } }]);
  });

  it('refuses a step result for a step that is not the current one (a stale runner)', () => {
    given([started(), completed(0)])
      .when({
        type: 'CompleteStep',
        index: 0,
        name: 'step 0',
        delta: {},
        removedKeys: [],
        startedAt: 'T',
        durationMs: 1,
      })
      .thenThrows(IllegalStateError);
  });

  it('completes only when every step has run', () => {
    given([started(), completed(0)])
      .when({ type: 'CompleteProcess', stepCount: 2 })
      .thenThrows(IllegalStateError);
    const s = given([started(), completed(0), completed(1)])
      .when({ type: 'CompleteProcess', stepCount: 2 })
      .then([{ type: 'ProcessCompleted', data: {} }]);
    expect(s.status).toBe('completed');
  });

  it('answers not found for commands on a process that does not exist', () => {
    given([]).when({ type: 'AbortProcess', by: 'op', reason: '' }).thenThrows(NotFoundError);
  });
});

describe('process decider: callback steps', () => {
  it('issues a token and awaits the callback', () => {
    const s = given([started(), completed(0)])
      .when({
        type: 'IssueCallback',
        index: 1,
        name: 'step 1',
        tokenId: 't1',
        tokenHash: 'hash-t1',
        expiresAt: null,
      })
      .then([issued(1)]);
    expect(s.status).toBe('awaiting_callback');
  });

  it('accepts a callback that arrives before the action step returns', () => {
    const s = given([started(), completed(0), issued(1)])
      .when(callback('ph1'))
      .thenAnswers('accepted', [received('t1', { return_code: 0 }, 'ph1')]);
    expect(s.status).toBe('running');
    // The action returning afterwards adds nothing: the callback already proves it ran.
    given([started(), completed(0), issued(1), received()])
      .when({ type: 'CompleteCallbackAction', tokenId: 't1', startedAt: 'T', durationMs: 9 })
      .then([]);
  });

  it('treats a byte-identical re-delivery as a duplicate and appends nothing', () => {
    given([...awaiting(), received('t1', { return_code: 0 }, 'ph1')])
      .when(callback('ph1'))
      .thenAnswers('duplicate', []);
  });

  it('rejects a second callback with a different payload', () => {
    given([...awaiting(), received('t1', { return_code: 0 }, 'ph1')])
      .when(callback('ph2', { return_code: 1 }))
      .thenRefuses(ConflictError, [
        rejected('t1', 'already_used', 'token already used with a different payload'),
      ]);
  });

  it('answers gone for a callback on a token revoked by an abort', () => {
    const aborted = given(awaiting())
      .when({ type: 'AbortProcess', by: 'op', reason: 'wrong port' })
      .then([
        revoked('t1', 'process aborted'),
        { type: 'ProcessAborted', data: { by: 'op', reason: 'wrong port' } },
      ]);
    expect(aborted.status).toBe('aborted');
    given([
      ...awaiting(),
      revoked('t1', 'process aborted'),
      { type: 'ProcessAborted', data: { by: 'op', reason: '' } },
    ])
      .when(callback('ph1'))
      .thenRefuses(GoneError, [rejected('t1', 'revoked', 'token revoked')]);
  });

  it('fails the step when validation fails, keeping the error for the operator', () => {
    const s = given([...awaiting(), received('t1', { return_code: 2 })])
      .when({
        type: 'FailStep',
        index: 1,
        name: 'step 1',
        error: { message: 'Callback failure', details: { return_code: 2 }, retryable: false },
      })
      .then([
        {
          type: 'StepFailed',
          data: {
            index: 1,
            name: 'step 1',
            error: { message: 'Callback failure', details: { return_code: 2 }, retryable: false },
          },
        },
      ]);
    expect(s.status).toBe('failed');
    expect(s.failure?.error.message).toBe('Callback failure');
  });

  it('retries a failed callback step: the old token is revoked and refused, a new one issued', () => {
    const history = [...awaiting(), received('t1', { return_code: 2 }), failed(1)];
    const s = given(history)
      .when({ type: 'RetryProcess', by: 'op' })
      .then([
        revoked('t1', 'step retried'),
        { type: 'ProcessRetried', data: { by: 'op', fromIndex: 1 } },
      ]);
    expect(s).toMatchObject({ status: 'running', index: 1 });
    const retried = [
      ...history,
      revoked('t1', 'step retried'),
      { type: 'ProcessRetried', data: { by: 'op', fromIndex: 1 } } as const,
    ];
    given(retried)
      .when({
        type: 'IssueCallback',
        index: 1,
        name: 'step 1',
        tokenId: 't2',
        tokenHash: 'hash-t2',
        expiresAt: null,
      })
      .then([issued(1, 't2')]);
    given([...retried, issued(1, 't2')])
      .when(callback('ph1', { return_code: 2 }))
      .thenRefuses(GoneError, [rejected('t1', 'revoked', 'token revoked')]);
    given([...retried, issued(1, 't2')])
      .when(callback('ph3', { return_code: 0 }, 't2'))
      .thenAnswers('accepted', [received('t2', { return_code: 0 }, 'ph3')]);
  });

  it('rejects a payload that fails the step schema and keeps the token open', () => {
    given(awaiting())
      .when({
        type: 'ReceiveCallback',
        tokenId: 't1',
        payload: {},
        payloadHash: 'x',
        payloadError: 'return_code must be an integer',
      })
      .thenRefuses(ValidationError, [
        rejected('t1', 'invalid_payload', 'return_code must be an integer'),
      ]);
    given([...awaiting(), rejected('t1', 'invalid_payload', 'bad')])
      .when(callback('ph1'))
      .thenAnswers('accepted', [received()]);
  });

  it('answers not found for a token this process never issued', () => {
    given(awaiting())
      .when(callback('ph1', {}, 'nope'))
      .thenThrows(NotFoundError);
  });

  it('records progress reports on the open token and refuses them once it is closed', () => {
    const s = given(awaiting())
      .when({
        type: 'ReportProgress',
        tokenId: 't1',
        progress: { task: 'configure port', pct: 40 },
      })
      .then([
        {
          type: 'CallbackProgressReported',
          data: { tokenId: 't1', progress: { task: 'configure port', pct: 40 } },
        },
      ]);
    expect(s.tokens[0].lastProgress).toEqual({ task: 'configure port', pct: 40 });
    expect(s.status).toBe('awaiting_callback');
    given([...awaiting(), revoked('t1', 'process aborted')])
      .when({ type: 'ReportProgress', tokenId: 't1', progress: 'late' })
      .thenRefuses(GoneError, [rejected('t1', 'revoked', 'token revoked')]);
  });

  it('moves the deadline of a token when a progress report carries a heartbeat', () => {
    const history = [
      started(),
      completed(0),
      issued(1, 't1', '2026-01-01T00:00:30.000Z'),
      actionDone(1),
    ];
    const s = given(history)
      .when({
        type: 'ReportProgress',
        tokenId: 't1',
        progress: 'TASK 3',
        expiresAt: '2026-01-01T00:00:50.000Z',
      })
      .then([
        {
          type: 'CallbackProgressReported',
          data: { tokenId: 't1', progress: 'TASK 3', expiresAt: '2026-01-01T00:00:50.000Z' },
        },
      ]);
    expect(s.tokens[0].expiresAt).toBe('2026-01-01T00:00:50.000Z');
  });

  it('revokes the token and fails the step when the action fails', () => {
    const s = given([started(), completed(0), issued(1)])
      .when({
        type: 'FailCallbackAction',
        tokenId: 't1',
        error: { message: 'proxy down', details: null, retryable: true },
      })
      .then([
        revoked('t1', 'action failed'),
        {
          type: 'StepFailed',
          data: {
            index: 1,
            name: 'step 1',
            error: { message: 'proxy down', details: null, retryable: true },
          },
        },
      ]);
    expect(s.status).toBe('failed');
  });

  it('re-issues after a crash only when the action was never confirmed', () => {
    const s = given([started(), completed(0), issued(1)])
      .when({ type: 'ReissueCallback', tokenId: 't1' })
      .then([revoked('t1', 'action interrupted by restart')]);
    expect(s).toMatchObject({ status: 'running', index: 1 });
    given(awaiting()).when({ type: 'ReissueCallback', tokenId: 't1' }).then([]);
  });

  it('expires a token past its deadline and fails the step; not before', () => {
    const history = [
      started(),
      completed(0),
      issued(1, 't1', '2026-01-01T00:10:00.000Z'),
      actionDone(1),
    ];
    given(history)
      .when({ type: 'ExpireCallback', tokenId: 't1', now: '2026-01-01T00:09:59.000Z' })
      .then([]);
    const s = given(history)
      .when({ type: 'ExpireCallback', tokenId: 't1', now: '2026-01-01T00:10:00.000Z' })
      .then([
        { type: 'CallbackExpired', data: { tokenId: 't1' } },
        {
          type: 'StepFailed',
          data: {
            index: 1,
            name: 'step 1',
            error: {
              message: 'Callback timed out',
              details: { expiresAt: '2026-01-01T00:10:00.000Z' },
              retryable: true,
            },
          },
        },
      ]);
    expect(s.status).toBe('failed');
  });
});

describe('process decider: input steps, retry and abort', () => {
  it('suspends for input and resumes with the confirmed values merged into state', () => {
    const s = given([started(), inputRequested(0)])
      .when({
        type: 'GiveConfirmation',
        index: 0,
        by: 'alice',
        roles: ['operator'],
        input: { ok: true },
        at: 'T',
      })
      .then([
        {
          type: 'ConfirmationGiven',
          data: { index: 0, name: 'step 0', by: 'alice', input: { ok: true } },
        },
        {
          type: 'StepCompleted',
          data: {
            index: 0,
            name: 'step 0',
            delta: { ok: true },
            removedKeys: [],
            startedAt: 'T',
            durationMs: 0,
          },
        },
      ]);
    expect(s).toMatchObject({
      status: 'running',
      index: 1,
      state: { ok: true },
      pendingForm: null,
    });
  });

  it('refuses a confirmation when the process is not suspended', () => {
    given(awaiting())
      .when({
        type: 'GiveConfirmation',
        index: 1,
        by: 'alice',
        roles: ['operator'],
        input: {},
        at: 'T',
      })
      .thenThrows(IllegalStateError);
  });

  it('refuses retry unless failed or waiting, and abort once final', () => {
    given(awaiting()).when({ type: 'RetryProcess', by: 'op' }).thenThrows(IllegalStateError);
    given([started(), completed(0), { type: 'ProcessCompleted', data: {} }])
      .when({ type: 'AbortProcess', by: 'op', reason: '' })
      .thenThrows(IllegalStateError);
  });

  it('waits after a retryable failure and retries itself once the backoff is due', () => {
    const waiting = [
      started(),
      {
        type: 'StepFailed',
        data: {
          index: 0,
          name: 'step 0',
          error: { message: 'timeout', details: null, retryable: true },
          retryAt: '2026-01-01T00:00:05.000Z',
        },
      } as const,
    ];
    expect(
      given(waiting).when({ type: 'RetryDue', now: '2026-01-01T00:00:04.000Z' }).then([]).status,
    ).toBe('waiting');
    given(waiting)
      .when({ type: 'RetryDue', now: '2026-01-01T00:00:05.000Z' })
      .then([{ type: 'ProcessRetried', data: { by: 'system', fromIndex: 0 } }]);
  });

  it('aborts a suspended process and clears its form', () => {
    const s = given([started(), inputRequested(0)])
      .when({ type: 'AbortProcess', by: 'op', reason: 'no longer needed' })
      .then([{ type: 'ProcessAborted', data: { by: 'op', reason: 'no longer needed' } }]);
    expect(s).toMatchObject({
      status: 'aborted',
      pendingForm: null,
      abortReason: 'no longer needed',
    });
  });
});
