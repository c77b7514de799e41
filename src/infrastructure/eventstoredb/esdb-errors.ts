/**
 * EventStoreDB's errors in the port's terms: a wrong expected revision is a ConcurrencyError,
 * "cannot reach or hear back from the server" is a StoreUnavailableError, and anything else (a
 * refused login, a deleted stream, a bug) stays what it is, so it is neither retried as an
 * outage nor answered as a conflict.
 *
 * Classified by the client's `type` strings and gRPC status codes rather than `instanceof`,
 * which fails across module copies and Jest realms.
 */
import { ExpectedRevision } from '../../application/ports/event-store';
import { ConcurrencyError, StoreUnavailableError } from '../../application/ports/store-errors';
import { describeRevision, NO_STREAM_REVISION } from '../event-store/expected-revision';

/**
 * `timeout` is the server's ABORTED (a write it could not commit in time: in doubt, safe to
 * retry with the same expected revision); `not-leader` is a cluster changing leader; `cancelled`
 * is the server dropping a long call (the client reconnects on the next one).
 */
const OUTAGE_TYPES = new Set([
  'unavailable',
  'deadline-exceeded',
  'timeout',
  'not-leader',
  'cancelled',
]);

/** gRPC statuses for the same, when an error reaches us unconverted: 14, 4, 10, 1. */
const OUTAGE_GRPC_CODES = new Set([14, 4, 10, 1]);

/** Cluster discovery gives up with a plain Error (discovery.js). */
const OUTAGE_MESSAGE = /^Failed to discover after \d+ attempts/;

interface ErrorLike {
  type?: unknown;
  code?: unknown;
  message?: unknown;
  actualVersion?: unknown;
}

export function isWrongExpectedVersion(error: unknown): boolean {
  return (error as ErrorLike | null)?.type === 'wrong-expected-version';
}

export function isStreamNotFound(error: unknown): boolean {
  return (error as ErrorLike | null)?.type === 'stream-not-found';
}

export function isOutage(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if (isWrongExpectedVersion(error)) return false;
  const { type, code, message } = error as ErrorLike;
  if (typeof type === 'string') return OUTAGE_TYPES.has(type);
  if (typeof code === 'number') return OUTAGE_GRPC_CODES.has(code);
  return typeof message === 'string' && OUTAGE_MESSAGE.test(message);
}

/** The revision a WrongExpectedVersionError says the stream is at, in the port's words. */
function actualRevision(error: unknown): string {
  const actual = (error as ErrorLike).actualVersion;
  if (typeof actual === 'bigint') return describeRevision(Number(actual));
  if (actual === 'no_stream') return describeRevision(NO_STREAM_REVISION);
  return 'unknown';
}

export function toStoreError(
  error: unknown,
  doing: string,
  conflict?: { streamId: string; expected: ExpectedRevision },
): unknown {
  if (error instanceof ConcurrencyError || error instanceof StoreUnavailableError) return error;
  if (conflict !== undefined && isWrongExpectedVersion(error)) {
    return new ConcurrencyError(
      conflict.streamId,
      String(conflict.expected),
      actualRevision(error),
    );
  }
  if (isOutage(error)) {
    const reason = String((error as ErrorLike).message ?? error);
    return new StoreUnavailableError(`EventStoreDB unavailable while ${doing}: ${reason}`, error);
  }
  return error;
}
