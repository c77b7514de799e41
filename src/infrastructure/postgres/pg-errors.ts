import {
  ConcurrencyError,
  FencedOutError,
  StoreUnavailableError,
} from '../../application/ports/store-errors';

/** Socket-level failures: the server is down, unreachable or went away mid-conversation. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs meaning "the database cannot serve you right now" rather than "your request is
 * wrong": 08 connection exceptions, 53 insufficient resources, 57P01-57P03 shutdown or
 * start-up in progress, 57014 a statement timeout, 55P03 a lock timeout, 58 I/O failures.
 */
function isUnavailableSqlState(code: string): boolean {
  return (
    code.startsWith('08') ||
    code.startsWith('53') ||
    code.startsWith('58') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === '57014' ||
    code === '55P03'
  );
}

/** node-postgres reports some failures (pool timeouts, dropped sockets) only by message. */
const UNAVAILABLE_MESSAGE =
  /connection terminated|timeout exceeded|connection timeout|not queryable|after calling end on the pool|query read timeout/i;

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

/**
 * Duck-typed on purpose: errors raised by Node's sockets come from another realm under Jest
 * (and from other copies of pg in general), where `instanceof Error` is false.
 */
export function isUnavailableError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, errors } = error as ErrorLike;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || isUnavailableSqlState(code))) {
    return true;
  }
  // Connecting to a name that resolves to several addresses fails with one error per address.
  if (Array.isArray(errors) && errors.some(isUnavailableError)) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
}

/** Set on errors raised before a statement reached the server (connecting): nothing was sent. */
const NOT_SENT = Symbol('notSent');

export const markNotSent = (error: unknown): unknown => {
  if (typeof error === 'object' && error !== null)
    (error as { [NOT_SENT]?: true })[NOT_SENT] = true;
  return error;
};

/**
 * The server's answer to a statement already sent was lost with the connection: it may or may
 * not have committed. A server-side error (it has a SQLSTATE) means the statement failed.
 */
export function isOutcomeUnknown(error: unknown): boolean {
  if (!isUnavailableError(error) || (error as { [NOT_SENT]?: true })[NOT_SENT]) return false;
  const code = (error as ErrorLike).code;
  return typeof code !== 'string' || NETWORK_CODES.has(code);
}

/** Serialization failure or deadlock: the transaction lost a race, nothing was written. */
export function isSerializationConflict(error: unknown): boolean {
  const code = (error as ErrorLike | null)?.code;
  return code === '40001' || code === '40P01';
}

export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const pgError = error as { code?: unknown; constraint?: unknown };
  return pgError?.code === '23505' && pgError.constraint === constraint;
}

/**
 * Lets the port's two errors through, turns outages into StoreUnavailableError and leaves
 * anything else (a bug, a bad query) as it is, so it is not mistaken for an outage and retried.
 */
/** Raised by baton_assert_fence (migration 4). */
export const FENCED_OUT_SQLSTATE = 'BF001';

export function toStoreError(error: unknown, doing: string, writing = false): unknown {
  if (error instanceof ConcurrencyError || error instanceof StoreUnavailableError) return error;
  if ((error as ErrorLike | null)?.code === FENCED_OUT_SQLSTATE) {
    return new FencedOutError(String((error as ErrorLike).message ?? doing));
  }
  if (isUnavailableError(error)) {
    const reason = String((error as ErrorLike).message ?? error);
    return new StoreUnavailableError(
      `PostgreSQL unavailable while ${doing}: ${reason}`,
      error,
      writing && isOutcomeUnknown(error),
    );
  }
  return error;
}
