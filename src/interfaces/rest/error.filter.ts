/**
 * The one place errors become HTTP answers: `{statusCode, error, message, …}`. Domain codes and
 * store failures map here; anything unexpected is a 500 with a generic message (details go to
 * the log, never to the client, so nothing internal or secret leaks).
 */
import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { Response } from 'express';
import { ConcurrencyError, StoreUnavailableError } from '../../application/ports/store-errors';
import { DomainError, DomainErrorCode, ValidationError } from '../../domain/errors';

const DOMAIN_STATUS: Record<DomainErrorCode, number> = {
  VALIDATION: HttpStatus.BAD_REQUEST,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  ILLEGAL_STATE: HttpStatus.CONFLICT,
  CONFLICT: HttpStatus.CONFLICT,
  GONE: HttpStatus.GONE,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  [key: string]: unknown;
}

const reason = (status: number): string =>
  (HttpStatus[status] ?? 'Error')
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');

/** An error answer in the one shape every route uses. */
export const errorBody = (
  statusCode: number,
  message: string,
  extra: Record<string, unknown> = {},
): ErrorBody => ({
  statusCode,
  error: reason(statusCode),
  message,
  ...extra,
});

export const toErrorBody = (error: unknown): ErrorBody => {
  if (error instanceof ValidationError) {
    return errorBody(400, error.message, { validationErrors: error.validationErrors });
  }
  if (error instanceof DomainError) return errorBody(DOMAIN_STATUS[error.code], error.message);
  if (error instanceof ConcurrencyError)
    return errorBody(409, 'The process changed concurrently; try again');
  if (error instanceof StoreUnavailableError && error.outcomeUnknown) {
    return errorBody(
      503,
      'Event store connection lost after the write was sent: it may or may not have been recorded; read the process (or retry with the same Idempotency-Key) before repeating it',
      { outcome: 'unknown' },
    );
  }
  if (error instanceof StoreUnavailableError)
    return errorBody(503, 'Event store unavailable; nothing was written', {
      outcome: 'not_written',
    });
  if (error instanceof HttpException) {
    const status = error.getStatus();
    // Nest's own "Cannot POST /path" would echo the path, and a path can hold a callback token.
    if (status === 404) return errorBody(404, 'Route not found');
    const response = error.getResponse();
    const message =
      typeof response === 'string' ? response : (response as { message?: unknown }).message;
    return errorBody(
      status,
      Array.isArray(message) ? message.join('; ') : String(message ?? error.message),
    );
  }
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // body-parser errors (malformed JSON, too large) carry a status of their own
    return errorBody(
      status,
      status === 413 ? 'Request body exceeds the 1 MiB limit' : 'Malformed request body',
    );
  }
  return errorBody(500, 'Internal server error');
};

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    // GraphQL answers errors inside its own response (interfaces/graphql/graphql-errors.ts).
    if (host.getType() !== 'http') throw error;
    const response = host.switchToHttp().getResponse<Response>();
    // Answered already (the request deadline passed): what the handler did next has no one to go to.
    if (response.headersSent) return;
    const answer = toErrorBody(error);
    if (answer.statusCode >= 500) {
      this.logger.error(
        `${answer.statusCode}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (answer.statusCode === 429) response.setHeader('Retry-After', '60');
    response.status(answer.statusCode).json(answer);
  }
}
