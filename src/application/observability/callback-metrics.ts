import { ProcessEvent } from '../../domain/process/events';
import { Metrics } from '../ports/metrics';

/**
 * Counts what happened to callback tokens from the events just appended: every outcome that is
 * recorded (issued, received, rejected, expired, revoked) is counted exactly where it is
 * written, whoever decided it (a remote service, the runner, a timer, an operator).
 */
export const countCallbackEvents = (metrics: Metrics, events: readonly ProcessEvent[]): void => {
  for (const event of events) {
    switch (event.type) {
      case 'CallbackIssued':
        metrics.callback('issued');
        break;
      case 'CallbackReceived':
        metrics.callback('received');
        break;
      case 'CallbackRejected':
        metrics.callback('rejected', event.data.reason);
        break;
      case 'CallbackExpired':
        metrics.callback('expired');
        break;
      case 'CallbackRevoked':
        metrics.callback('revoked', event.data.reason);
        break;
    }
  }
};
