import { ExpectedRevision, MAX_EVENTS_PER_APPEND } from '../../application/ports/event-store';
import { ConcurrencyError } from '../../application/ports/store-errors';

/** Revision of a stream that has no events yet; the first event gets revision 0. */
export const NO_STREAM_REVISION = -1;

/**
 * Shared by every adapter so that "what counts as a conflict" is decided in one place and the
 * contract suite holds all of them to the same answer.
 */
export function assertExpectedRevision(
  streamId: string,
  expected: ExpectedRevision,
  current: number,
): void {
  if (expected === 'any') return;
  const wanted = expected === 'no_stream' ? NO_STREAM_REVISION : expected;
  if (wanted !== current) {
    throw new ConcurrencyError(streamId, String(expected), describeRevision(current));
  }
}

export function describeRevision(revision: number): string {
  return revision === NO_STREAM_REVISION ? 'no_stream' : String(revision);
}

/** A caller bug, not a conflict: reject it before touching the store. */
export function assertAppendArguments(
  streamId: string,
  eventCount: number,
  expected: ExpectedRevision,
): void {
  if (streamId.length === 0) throw new RangeError('streamId must not be empty');
  if (eventCount === 0) throw new RangeError(`append to ${streamId} needs at least one event`);
  if (eventCount > MAX_EVENTS_PER_APPEND) {
    throw new RangeError(
      `append to ${streamId} carries ${eventCount} events; at most ${MAX_EVENTS_PER_APPEND}`,
    );
  }
  if (typeof expected === 'number' && (!Number.isInteger(expected) || expected < 0)) {
    throw new RangeError(`expected revision must be a non-negative integer, got ${expected}`);
  }
}

export function assertReadAllOptions(after: number, limit: number): void {
  if (!Number.isInteger(after) || after < 0) {
    throw new RangeError(`after must be a non-negative integer, got ${after}`);
  }
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }
}

export function assertFromRevision(fromRevision: number | undefined): void {
  if (fromRevision !== undefined && (!Number.isInteger(fromRevision) || fromRevision < 0)) {
    throw new RangeError(`fromRevision must be a non-negative integer, got ${fromRevision}`);
  }
}
