/** What the decider answers: events to append, and possibly a refusal or callback answer. */
import { DomainError } from '../errors';
import { ProcessEvent } from './events';

export type CallbackAnswer = 'accepted' | 'duplicate';

export interface Decision {
  events: ProcessEvent[];
  refusal?: DomainError;
  answer?: CallbackAnswer;
}

export const ok = (...events: ProcessEvent[]): Decision => ({ events });
export const refuse = (refusal: DomainError, ...events: ProcessEvent[]): Decision => ({
  events,
  refusal,
});

/** Same wording for an unknown process and an unknown token: a caller learns nothing. */
export const UNKNOWN_CALLBACK = 'Unknown process or callback token';
