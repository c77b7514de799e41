/**
 * Verification of one stream's hash chain, straight from the events as stored. Names the first
 * event that no longer matches. It sees what a stream alone can show (an edit, a deleted event
 * in the middle, a stream moved or reordered, a stripped hash after hashed ones); a rewrite that
 * re-hashes everything, a cut-off tail or a stream stripped of every hash need the ledger.
 */
import { RecordedEvent } from '../ports/event-store';
import { hashEvent, hashOf, isHashedInPlace } from './event-chain';
import { legacyHashEvent } from './legacy-event-hash';

export type ChainProblem =
  | { revision: number; problem: 'hash_mismatch' }
  | { revision: number; problem: 'hash_missing' }
  | { revision: number; problem: 'event_missing' };

export interface ChainVerdict {
  intact: boolean;
  /** Events in the stream as read. */
  events: number;
  /** Leading events with no hash at all (written before hashing existed). */
  unhashedPrefix: number;
  /** Leading events written before events were hashed in place (no hash, or the legacy one). */
  legacyPrefix: number;
  /**
   * Revision of the first event hashed in place when a legacy prefix precedes it: that event's
   * hash covers the prefix's content, so the prefix is sealed. Null when nothing seals it here
   * (then only the ledger does).
   */
  sealedAt: number | null;
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
  let legacyPrefix = 0;
  while (legacyPrefix < events.length && !isHashedInPlace(events[legacyPrefix])) legacyPrefix += 1;
  let computed: string | null = null; // the in-place chain, over content
  let legacyPrevious: string | null = null; // the legacy chain, over stored hashes
  let verified = 0;
  events.forEach((event, index) => {
    // A deleted row leaves a gap in revisions; the event after it is reported where it sits.
    const expected = index === 0 ? 0 : events[index - 1].revision + 1;
    if (event.revision !== expected)
      problems.push({ revision: expected, problem: 'event_missing' });
    const stored = hashOf(event);
    const inPlace = hashEvent(computed, event);
    if (index >= legacyPrefix) {
      verified += 1;
      if (!isHashedInPlace(event) || stored === null) {
        problems.push({ revision: event.revision, problem: 'hash_missing' });
      } else if (stored !== inPlace) {
        problems.push({ revision: event.revision, problem: 'hash_mismatch' });
      }
      // Link to what is stored, so one edited event is reported alone, not with all after it.
      computed = stored ?? inPlace;
      return;
    }
    computed = inPlace;
    if (index < unhashedPrefix) return;
    verified += 1;
    if (stored === null) problems.push({ revision: event.revision, problem: 'hash_missing' });
    else if (stored !== legacyHashEvent(legacyPrevious, event)) {
      problems.push({ revision: event.revision, problem: 'hash_mismatch' });
    }
    legacyPrevious = stored;
  });
  const verdict: ChainVerdict = {
    intact: problems.length === 0,
    events: events.length,
    unhashedPrefix,
    legacyPrefix,
    sealedAt:
      legacyPrefix > 0 && legacyPrefix < events.length ? events[legacyPrefix].revision : null,
    verified,
    headHash: events.length === 0 ? null : hashOf(events[events.length - 1]),
  };
  if (problems.length === 0) return verdict;
  return {
    ...verdict,
    firstBadRevision: Math.min(...problems.map((p) => p.revision)),
    problems,
  };
};
