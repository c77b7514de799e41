import { ProcessFailureError } from '../../domain/errors';
import { StepError } from '../../domain/process/events';

/** Turns whatever a step threw into the error recorded in StepFailed. */
export const toStepError = (error: unknown): StepError => {
  if (error instanceof ProcessFailureError) {
    return { message: error.message, details: error.details ?? null, retryable: error.retryable };
  }
  // Unknown failures (network errors, bugs) may well pass on a second try.
  const message = error instanceof Error ? error.message : String(error);
  return { message, details: null, retryable: true };
};
