/**
 * The process decider: given the folded state and a command, which events happen. Pure: time,
 * ids and step results arrive inside the command. A refusal may still carry events (a refused
 * callback is recorded as CallbackRejected) which must be appended before the refusal is answered.
 */
import { mayConfirm } from '../access/roles';
import {
  ForbiddenError,
  IllegalStateError,
  NotFoundError,
  RateLimitedError,
  assertNever,
} from '../errors';
import { decideCallback, findToken, refuseClosedToken, refuseUnsigned } from './callback-decisions';
import { ProcessCommand } from './commands';
import { Decision, ok } from './decision';
import { ProcessEvent } from './events';
import { CallbackToken, FINAL_STATUSES, ProcessState, progressSize } from './state';

export type { CallbackAnswer, Decision } from './decision';
export { UNKNOWN_CALLBACK } from './decision';

const requireExists = (s: ProcessState): void => {
  if (s.revision < 0) throw new NotFoundError('Process not found');
};

const requireRunningAt = (s: ProcessState, index: number): void => {
  requireExists(s);
  if (s.status !== 'running' || s.index !== index) {
    throw new IllegalStateError(
      `Process is ${s.status} at step ${s.index}, not running step ${index}`,
    );
  }
};

export const confirmationRefusal = (roles: readonly string[]): string =>
  `This step may only be confirmed by: ${roles.join(', ')}`;

const revokeAll = (tokens: CallbackToken[], reason: string): ProcessEvent[] =>
  tokens.map((t) => ({ type: 'CallbackRevoked', data: { tokenId: t.tokenId, reason } }));

export const decide = (cmd: ProcessCommand, s: ProcessState): Decision => {
  switch (cmd.type) {
    case 'StartProcess':
      if (s.revision >= 0) throw new IllegalStateError('Process already exists');
      return ok({
        type: 'ProcessStarted',
        data: {
          processId: cmd.processId,
          workflow: cmd.workflow,
          workflowVersion: cmd.workflowVersion,
          input: cmd.input,
          state: cmd.initialState,
          by: cmd.by,
        },
      });
    case 'CompleteStep': {
      requireRunningAt(s, cmd.index);
      if (s.tokens.some((t) => t.index === cmd.index && t.status === 'open')) {
        throw new IllegalStateError('Callback step cannot complete before its callback arrives');
      }
      const { type: _type, stepCount, ...data } = cmd;
      // The last step's completion also completes the process: one append instead of two.
      if (stepCount !== undefined && cmd.index + 1 >= stepCount)
        return ok({ type: 'StepCompleted', data }, { type: 'ProcessCompleted', data: {} });
      return ok({ type: 'StepCompleted', data });
    }
    case 'SkipStep':
      requireRunningAt(s, cmd.index);
      return ok({ type: 'StepSkipped', data: { index: cmd.index, name: cmd.name } });
    case 'FailStep': {
      requireRunningAt(s, cmd.index);
      const { type: _type, ...data } = cmd;
      return ok({ type: 'StepFailed', data });
    }
    case 'IssueCallback': {
      requireRunningAt(s, cmd.index);
      if (s.tokens.some((t) => t.status === 'open'))
        throw new IllegalStateError('A callback is already open');
      const { type: _type, ...data } = cmd;
      return ok({ type: 'CallbackIssued', data });
    }
    case 'CompleteCallbackAction': {
      // A callback that beat the action's return already proves the action ran: nothing to add.
      const token = findToken(s, cmd.tokenId);
      if (token.status !== 'open') return ok();
      const { startedAt, durationMs } = cmd;
      return ok({
        type: 'CallbackActionCompleted',
        data: {
          index: token.index,
          name: token.name,
          tokenId: token.tokenId,
          startedAt,
          durationMs,
        },
      });
    }
    case 'FailCallbackAction': {
      const token = findToken(s, cmd.tokenId);
      if (token.status !== 'open') return ok();
      return ok(...revokeAll([token], 'action failed'), {
        type: 'StepFailed',
        data: { index: token.index, name: token.name, error: cmd.error },
      });
    }
    case 'ReissueCallback': {
      // After a crash we cannot know whether the action reached the remote service; its token's
      // plaintext is gone (only the hash is stored), so revoke it and let the step run again.
      const token = findToken(s, cmd.tokenId);
      if (token.status !== 'open' || token.actionCompleted) return ok();
      return ok(...revokeAll([token], 'action interrupted by restart'));
    }
    case 'ReceiveCallback':
      requireExists(s);
      return decideCallback(s, cmd);
    case 'ReportProgress': {
      requireExists(s);
      const token = findToken(s, cmd.tokenId);
      if (cmd.signatureError) return refuseUnsigned(token, cmd.signatureError);
      if (token.status !== 'open') return refuseClosedToken(token);
      const limits = cmd.limits;
      if (
        limits &&
        (token.progressReports >= limits.maxReports ||
          token.progressBytes + progressSize(cmd.progress) > limits.maxBytes)
      ) {
        // Nothing recorded: a refusal event per report would be the very growth this prevents.
        throw new RateLimitedError(
          `Progress report refused: this callback accepts at most ${limits.maxReports} reports and ${limits.maxBytes} bytes of them`,
        );
      }
      return ok({
        type: 'CallbackProgressReported',
        data: {
          tokenId: token.tokenId,
          progress: cmd.progress,
          ...(cmd.expiresAt !== undefined ? { expiresAt: cmd.expiresAt } : {}),
        },
      });
    }
    case 'ExpireCallback': {
      const token = findToken(s, cmd.tokenId);
      if (token.status !== 'open' || !token.expiresAt || token.expiresAt > cmd.now) return ok();
      return ok(
        { type: 'CallbackExpired', data: { tokenId: token.tokenId } },
        {
          type: 'StepFailed',
          data: {
            index: token.index,
            name: token.name,
            error: {
              message: 'Callback timed out',
              details: { expiresAt: token.expiresAt },
              retryable: true,
            },
          },
        },
      );
    }
    case 'RequestInput': {
      requireRunningAt(s, cmd.index);
      const { type: _type, ...data } = cmd;
      return ok({ type: 'InputRequested', data });
    }
    case 'GiveConfirmation':
      requireExists(s);
      if (s.status !== 'suspended' || !s.pendingForm) {
        throw new IllegalStateError(`Process is ${s.status}, not suspended`);
      }
      if (s.pendingForm.index !== cmd.index)
        throw new IllegalStateError('The form has changed; reload it');
      if (!mayConfirm({ name: cmd.by, roles: cmd.roles }, s.pendingForm.roles))
        throw new ForbiddenError(confirmationRefusal(s.pendingForm.roles ?? []));
      return ok(
        {
          type: 'ConfirmationGiven',
          data: { index: cmd.index, name: s.pendingForm.name, by: cmd.by, input: cmd.input },
        },
        {
          type: 'StepCompleted',
          data: {
            index: cmd.index,
            name: s.pendingForm.name,
            delta: cmd.input,
            removedKeys: [],
            startedAt: cmd.at,
            durationMs: 0,
          },
        },
      );
    case 'ParkProcess':
      requireExists(s);
      if (s.parked || FINAL_STATUSES.includes(s.status)) return ok();
      return ok({ type: 'ProcessParked', data: { reason: cmd.reason, attempts: cmd.attempts } });
    case 'RetryProcess': {
      requireExists(s);
      // A parked process is handed back to the runner, whatever its status.
      if (s.parked) return ok({ type: 'ProcessUnparked', data: { by: cmd.by } });
      if ((s.status !== 'failed' && s.status !== 'waiting') || !s.failure) {
        throw new IllegalStateError(
          `Process is ${s.status}; only failed or waiting processes can be retried`,
        );
      }
      const fromIndex = s.failure.index;
      // The retried step gets a fresh token; every token it was handed before must stop working.
      const stale = s.tokens.filter(
        (t) => t.index === fromIndex && (t.status === 'open' || t.status === 'received'),
      );
      return ok(...revokeAll(stale, 'step retried'), {
        type: 'ProcessRetried',
        data: { by: cmd.by, fromIndex },
      });
    }
    case 'RetryDue':
      if (s.status !== 'waiting' || !s.failure || !s.retryAt || s.retryAt > cmd.now) return ok();
      return ok({ type: 'ProcessRetried', data: { by: 'system', fromIndex: s.failure.index } });
    case 'AbortProcess':
      requireExists(s);
      if (FINAL_STATUSES.includes(s.status))
        throw new IllegalStateError(`Process is already ${s.status}`);
      return ok(
        ...revokeAll(
          s.tokens.filter((t) => t.status === 'open'),
          'process aborted',
        ),
        { type: 'ProcessAborted', data: { by: cmd.by, reason: cmd.reason } },
      );
    case 'CompleteProcess':
      requireExists(s);
      if (s.status !== 'running' || s.index < cmd.stepCount) {
        throw new IllegalStateError(
          `Process is ${s.status} at step ${s.index} of ${cmd.stepCount}`,
        );
      }
      return ok({ type: 'ProcessCompleted', data: {} });
    default:
      return assertNever(cmd);
  }
};
