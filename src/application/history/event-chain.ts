/**
 * Tamper evidence for a stream. Each event's `metadata.hash` is
 *   SHA-256 hex of "baton-event-v2\n" + canonical JSON of
 *   {data, metadata without hash, previous, revision, streamId, type}
 * where `previous` is the hash of the event before it in the stream (GENESIS_HASH for revision
 * 0), and `metadata.hashVersion` is 2. The hash binds an event to its place: a history moved to
 * another stream, or two events swapped, no longer match.
 *
 * Streams written before this hash existed carry the legacy hash (legacy-event-hash.ts) or none.
 * Their "unhashed" part has a known end: the first event appended after them links to the hash
 * computed over their content (`chainHeadOf`), so it seals them; and the ledger (application/
 * ledger) computes the same hash for every event it takes in, sealing even streams that never
 * get another event. Nothing older than a seal can change without breaking it.
 *
 * A chain alone cannot show that its newest events were cut off, nor that someone rewrote it
 * and re-hashed everything: the ledger's signed digests prove that (docs/auditing.md).
 */
import { hash as digest } from 'node:crypto';
import { EventMetadata, NewEvent, RecordedEvent } from '../ports/event-store';
import { canonicalJson, canonicalJsonWithout } from './canonical-json';
import { GENESIS_HASH } from './legacy-event-hash';

export { GENESIS_HASH } from './legacy-event-hash';
export const HASH_VERSION = 2;

/** What the hash covers: the event and its place in its stream. */
export type Placed = Pick<RecordedEvent, 'streamId' | 'revision' | 'type' | 'data' | 'metadata'>;

export const hashEvent = (previousHash: string | null, event: Placed): string => {
  // Keys in canonical order already: data, metadata, previous, revision, streamId, type.
  const content = `{"data":${canonicalJson(event.data)},"metadata":${canonicalJsonWithout(
    event.metadata as unknown as Record<string, unknown>,
    'hash',
  )},"previous":"${previousHash ?? GENESIS_HASH}","revision":${event.revision},"streamId":${canonicalJson(
    event.streamId,
  )},"type":${canonicalJson(event.type)}}`;
  // One-shot hashing: a fraction of createHash's cost for inputs this small.
  return digest('sha256', `baton-event-v2\n${content}`, 'hex');
};

/** The hash an event carries, or null for one written before hashing existed. */
export const hashOf = (event: { metadata: EventMetadata }): string | null =>
  typeof event.metadata.hash === 'string' ? event.metadata.hash : null;

/** Whether the event was written with this file's hash (and so must carry a matching one). */
export const isHashedInPlace = (event: { metadata: EventMetadata }): boolean =>
  event.metadata.hashVersion === HASH_VERSION;

/**
 * The hash the next event of a stream links to, given the stream's events from revision 0 in
 * order: the last event's own hash when it has one of this kind, else the hash computed over the
 * content of all of them (the seal of a stream written before this hash).
 */
export const chainHeadOf = (events: readonly Placed[]): string | null => {
  if (events.length === 0) return null;
  const last = events[events.length - 1];
  if (isHashedInPlace(last) && hashOf(last) !== null) return hashOf(last);
  let previous: string | null = null;
  for (const event of events) {
    previous = isHashedInPlace(event)
      ? (hashOf(event) ?? hashEvent(previous, event))
      : hashEvent(previous, event);
  }
  return previous;
};

/**
 * The events to append at `firstRevision` of `streamId`, each with its metadata carrying its
 * hash. `previousHash`: `chainHeadOf` the stream so far, null for a new stream.
 */
export const chainEvents = (
  streamId: string,
  firstRevision: number,
  previousHash: string | null,
  events: readonly Pick<NewEvent, 'type' | 'data' | 'metadata'>[],
): NewEvent[] => {
  let previous = previousHash;
  return events.map((event, index) => {
    const metadata: EventMetadata = { ...event.metadata, hashVersion: HASH_VERSION };
    const hash = hashEvent(previous, {
      streamId,
      revision: firstRevision + index,
      type: event.type,
      data: event.data,
      metadata,
    });
    previous = hash;
    return { type: event.type, data: event.data, metadata: { ...metadata, hash } };
  });
};
