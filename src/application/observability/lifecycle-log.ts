/**
 * One info line per transition in the life of a process (started, waiting for a callback,
 * callback accepted or refused, suspended, resumed, failed, retried, aborted, completed, parked),
 * so an operator who greps the log for a process id finds its story. Structured: the process
 * id, its workflow, the event, the status after it and its revision. Nothing from the event's
 * data that could carry a secret or a user's text (tokens, payloads, error messages) is copied.
 *
 * Cheap on purpose: written after an append the store confirmed, from what the repository already
 * has, with one small object per line and no await; a disabled level costs a comparison.
 */
import { Logger } from '@nestjs/common';
import { ProcessEvent, ProcessEventType } from '../../domain/process/events';
import { ProcessState } from '../../domain/process/state';

/** The line each event type writes, or null for events inside a step (no transition). */
const MESSAGES: Record<ProcessEventType | 'EventNotUnderstood', string | null> = {
  ProcessStarted: 'process started',
  StepCompleted: null,
  StepSkipped: null,
  StepFailed: 'process failed',
  CallbackIssued: 'process waiting for callback',
  CallbackActionCompleted: null,
  CallbackProgressReported: null,
  CallbackReceived: 'callback accepted',
  CallbackRejected: 'callback refused',
  CallbackExpired: 'callback expired',
  CallbackRevoked: null,
  InputRequested: 'process suspended for input',
  ConfirmationGiven: 'process resumed',
  ProcessRetried: 'process retried',
  ProcessAborted: 'process aborted',
  ProcessCompleted: 'process completed',
  ProcessParked: 'process parked',
  ProcessUnparked: 'process unparked',
  EventNotUnderstood: null,
};

const logger = new Logger('ProcessLifecycle');

/** Logs the transitions among `events`, appended from revision `firstRevision` on. */
export const logLifecycle = (
  after: ProcessState,
  events: readonly ProcessEvent[],
  firstRevision: number,
): void => {
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    const message = MESSAGES[event.type];
    if (message === null) continue;
    // A failure with a retry ahead leaves the process waiting, not failed.
    const text =
      event.type === 'StepFailed' && after.status === 'waiting'
        ? 'step failed, retry scheduled'
        : message;
    logger.log(
      {
        processId: after.processId,
        workflow: after.workflow,
        event: event.type,
        status: after.parked ? 'parked' : after.status,
        revision: firstRevision + i,
      },
      text,
    );
  }
};

/** For a parking appended without a fold (the stream cannot be folded). */
export const logParkedUnfolded = (processId: string, revision: number): void => {
  logger.log({ processId, event: 'ProcessParked', status: 'parked', revision }, 'process parked');
};
