/**
 * How errors reach GraphQL clients, over HTTP and WebSocket alike. Application errors get the
 * same message as their REST answer (toErrorBody) and a code instead of a status; anything
 * unexpected becomes "Internal server error", logged but never shown, and no stack trace or
 * internal detail is ever sent.
 */
import { Logger } from '@nestjs/common';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { toErrorBody } from '../rest/error.filter';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  410: 'GONE',
  503: 'SERVICE_UNAVAILABLE',
};

const logger = new Logger('GraphQL');

/** The error a resolver threw, when a GraphQLError wraps one. */
const originalOf = (error: unknown): unknown =>
  error instanceof GraphQLError && error.originalError ? originalOf(error.originalError) : error;

export const formatGraphqlError = (
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError => {
  const original = originalOf(error);
  const where = { locations: formatted.locations, path: formatted.path };
  if (original instanceof GraphQLError) {
    // Parse, validation and limit errors: about the query itself, safe to show.
    const code = formatted.extensions?.code ?? original.extensions?.code;
    return {
      message: formatted.message,
      ...where,
      extensions: { code: typeof code === 'string' ? code : 'GRAPHQL_VALIDATION_FAILED' },
    };
  }
  const body = toErrorBody(original);
  if (body.statusCode >= 500 && body.statusCode !== 503) {
    logger.error(
      `${formatted.path?.join('.') ?? 'operation'}: ${original instanceof Error ? original.message : String(original)}`,
    );
  }
  const { statusCode, error: _reason, message, ...extra } = body;
  return {
    message,
    ...where,
    extensions: { code: CODE_BY_STATUS[statusCode] ?? 'INTERNAL_SERVER_ERROR', ...extra },
  };
};

/** For transports that hand over GraphQLError objects rather than formatted ones (graphql-ws). */
export const formatGraphqlErrors = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
  errors.map((e) => formatGraphqlError(e.toJSON(), e));
