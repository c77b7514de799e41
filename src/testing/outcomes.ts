/**
 * What a refused command or callback looks like to a test: the HTTP status the REST API would
 * answer (the same mapping as its error filter) and a message that says why, validation errors
 * included, so a failing test explains itself.
 */
import { DomainError, DomainErrorCode, ValidationError } from '../domain/errors';

export const STATUS_OF: Record<DomainErrorCode, number> = {
  VALIDATION: 400,
  NOT_FOUND: 404,
  ILLEGAL_STATE: 409,
  CONFLICT: 409,
  GONE: 410,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  RATE_LIMITED: 429,
};

/** The answer to a callback or progress report, as the remote service would see it. */
export interface Delivery {
  /** 200 accepted or duplicate; 400, 401, 404, 409, 410 refusals (DESIGN §5). */
  status: number;
  answer?: 'accepted' | 'duplicate';
  /** Why it was refused. */
  message?: string;
}

export const describeRefusal = (error: DomainError): string => {
  if (!(error instanceof ValidationError) || error.validationErrors.length === 0)
    return error.message;
  const fields = error.validationErrors
    .map((e) => `${e.property}: ${Object.values(e.constraints).join(', ')}`)
    .join('; ');
  return `${error.message} (${fields})`;
};

/** A start, confirmation, retry or abort that Baton refused. */
export class CommandRefusedError extends Error {
  readonly status: number;
  readonly code: DomainErrorCode;

  constructor(
    what: string,
    readonly refusal: DomainError,
  ) {
    super(
      `${what} was refused (${STATUS_OF[refusal.code]} ${refusal.code}): ${describeRefusal(refusal)}`,
    );
    this.name = 'CommandRefusedError';
    this.status = STATUS_OF[refusal.code];
    this.code = refusal.code;
  }
}

/** Runs a command; a domain refusal becomes a CommandRefusedError that says what was refused. */
export const refusedAs = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) throw new CommandRefusedError(what, error);
    throw error;
  }
};

/** Assertion failures of the kit, with the process's history in the message. */
export class ProcessAssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProcessAssertionError';
  }
}
