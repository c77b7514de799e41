/**
 * `Idempotency-Key`: a client that retries a request it never got an answer to (a timeout, a
 * 503 whose outcome is unknown) gets the first request's answer instead of a second effect, on
 * any instance, after any restart. Nothing is kept beside the events: a start's key decides the
 * process id (so a second start with it conflicts on the stream), and other commands record
 * their key in the metadata of the events they append.
 */
import { createHash } from 'node:crypto';
import { IllegalStateError } from '../../domain/errors';
import { RecordedEvent } from '../ports/event-store';

/** Longer keys are refused (400), never cut: a cut key would collide with another. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * The process id a start with this key gets: the same on every instance, every time, for this
 * caller. Another caller's key is another key, even when both spell it alike.
 */
export const processIdForKey = (workflow: string, actor: string, key: string): string => {
  const hex = createHash('sha256')
    .update(JSON.stringify([workflow, actor, key]))
    .digest('hex');
  // Shaped as an RFC 9562 version 8 (custom) UUID, so it passes wherever a UUID is expected.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/** A stored process was started with this key: same request (fine) or a different one (refused). */
export const assertSameStart = (started: RecordedEvent | undefined, input: unknown): void => {
  if (
    !started ||
    started.type !== 'ProcessStarted' ||
    canonical(started.data.input) !== canonical(input)
  )
    throw new IllegalStateError('Idempotency-Key already used for a different request');
};

/** This caller's request with this key was applied already: an event records both. */
export const appliedWithKey = (
  events: readonly RecordedEvent[],
  key: string,
  actor: string,
): boolean =>
  events.some((event) => event.metadata.idempotencyKey === key && event.metadata.actor === actor);

/** JSON with object keys sorted, so two equal inputs compare equal whatever their key order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
