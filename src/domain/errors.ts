/**
 * Domain errors carry a stable `code`; the HTTP layer maps codes to status codes in one filter.
 * Messages are safe to show to clients: they never contain tokens or other secrets.
 */
export type DomainErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'ILLEGAL_STATE'
  | 'GONE'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'RATE_LIMITED';

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldError {
  property: string;
  constraints: Record<string, string>;
}

export class ValidationError extends DomainError {
  readonly code = 'VALIDATION';
  constructor(
    message: string,
    readonly validationErrors: FieldError[] = [],
  ) {
    super(message, { validationErrors });
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
}

/** The command is well-formed but the process is not in a state that allows it. */
export class IllegalStateError extends DomainError {
  readonly code = 'ILLEGAL_STATE';
}

/** A callback token that existed but can no longer be used (revoked or expired). */
export class GoneError extends DomainError {
  readonly code = 'GONE';
}

/** A callback token already consumed with a different payload. */
export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
}

/** The caller is known but may not do this (an input step restricted to other roles). */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}

/** The caller could not prove who it is (a callback without the workflow's signature). */
export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
}

/** Too many refused attempts from this address or at this process: nothing is looked at. */
export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
}

/**
 * Thrown by a step to fail the process with a message for the operator and details (for
 * example the callback payload) for diagnosis. Not retryable: a human must look first.
 */
export class ProcessFailureError extends Error {
  readonly retryable: boolean = false;
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ProcessFailureError';
  }
}

/** A failure that an automatic retry may cure (a timeout, a 503 from a remote service). */
export class RetryableStepError extends ProcessFailureError {
  override readonly retryable = true;
}

/** A step ran past its deadline (STEP_TIMEOUT_MS): it may well pass on a second try. */
export class StepDeadlineError extends RetryableStepError {
  constructor(readonly timeoutMs: number) {
    super(`Step exceeded its deadline of ${timeoutMs} ms`);
    this.name = 'StepDeadlineError';
  }
}

export const assertNever = (value: never): never => {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
};
