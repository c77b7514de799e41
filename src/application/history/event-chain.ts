/**
 * Tamper evidence for a stream: each event's `metadata.hash` is
 *   SHA-256 hex of (previous event's hash, or GENESIS_HASH) + canonical JSON of
 *   {type, data, metadata without hash}.
 * Editing an event's content, its hash, or deleting or reordering events breaks the chain at
 * the first event touched. Streams written before hashing existed keep working: their chain
 * starts at the first hashed event, which links to GENESIS_HASH, and verification reports how
 * many unhashed events come before it. (A chain cannot show that its newest events were cut
 * off: keep `headHash` somewhere else to prove that.)
 *
 * Computed in the application layer, before the append, so every store keeps it the same way.
 */
import { hash as digest } from 'node:crypto';
import { EventMetadata, NewEvent, RecordedEvent } from '../ports/event-store';
import { canonicalJson, canonicalJsonWithout } from './canonical-json';

/** What the first hashed event of a stream links to. */
export const GENESIS_HASH = '0'.repeat(64);

type Hashable = Pick<NewEvent, 'type' | 'data' | 'metadata'>;

export const hashEvent = (previousHash: string | null, event: Hashable): string => {
  // Keys in canonical order already: data, metadata, type.
  const content = `{"data":${canonicalJson(event.data)},"metadata":${canonicalJsonWithout(
    event.metadata as unknown as Record<string, unknown>,
    'hash',
  )},"type":${canonicalJson(event.type)}}`;
  // One-shot hashing: a fraction of createHash's cost for inputs this small.
  return digest('sha256', (previousHash ?? GENESIS_HASH) + content, 'hex');
};

/** The hash an event carries, or null for one written before hashing existed. */
export const hashOf = (event: { metadata: EventMetadata }): string | null =>
  typeof event.metadata.hash === 'string' ? event.metadata.hash : null;

/**
 * The events to append, each with its own metadata carrying its hash. `previousHash`: the hash
 * of the stream's last event, null for a new stream or one whose last event has none.
 */
export const chainEvents = (
  previousHash: string | null,
  events: readonly Hashable[],
): NewEvent[] => {
  let previous = previousHash;
  return events.map((event) => {
    const hash = hashEvent(previous, event);
    previous = hash;
    return { type: event.type, data: event.data, metadata: { ...event.metadata, hash } };
  });
};

export type ChainProblem =
  | { revision: number; problem: 'hash_mismatch' }
  | { revision: number; problem: 'hash_missing' }
  | { revision: number; problem: 'event_missing' };

export interface ChainVerdict {
  intact: boolean;
  /** Events in the stream as read. */
  events: number;
  /** Leading events written before hashing existed: not covered by the chain. */
  unhashedPrefix: number;
  /** Events whose hash was checked. */
  verified: number;
  /** Hash of the last event: record it elsewhere to detect a later truncation. */
  headHash: string | null;
  /** The first revision where the history does not match its hashes. */
  firstBadRevision?: number;
  problems?: ChainProblem[];
}

/** Checks a whole stream, read in revision order straight from the store. */
export const verifyChain = (events: readonly RecordedEvent[]): ChainVerdict => {
  const problems: ChainProblem[] = [];
  let unhashedPrefix = 0;
  while (unhashedPrefix < events.length && hashOf(events[unhashedPrefix]) === null) {
    unhashedPrefix += 1;
  }
  let previous: string | null = null;
  events.forEach((event, index) => {
    // A deleted row leaves a gap in revisions; the event after it is reported where it sits.
    if (event.revision !== (index === 0 ? 0 : events[index - 1].revision + 1)) {
      problems.push({
        revision: index === 0 ? 0 : events[index - 1].revision + 1,
        problem: 'event_missing',
      });
    }
    if (index < unhashedPrefix) return;
    const stored = hashOf(event);
    if (stored === null) problems.push({ revision: event.revision, problem: 'hash_missing' });
    else if (stored !== hashEvent(previous, event)) {
      problems.push({ revision: event.revision, problem: 'hash_mismatch' });
    }
    // Link to what is stored, so one edited event is reported alone, not with all after it.
    previous = stored;
  });
  const verdict: ChainVerdict = {
    intact: problems.length === 0,
    events: events.length,
    unhashedPrefix,
    verified: events.length - unhashedPrefix,
    headHash: events.length === 0 ? null : hashOf(events[events.length - 1]),
  };
  if (problems.length === 0) return verdict;
  return {
    ...verdict,
    firstBadRevision: Math.min(...problems.map((p) => p.revision)),
    problems,
  };
};
