/**
 * What the ledger puts in its tree for one event: the event's hash in place (event-chain.ts),
 * computed by the ledger over the event's content and its stream's previous event, whatever
 * the stored metadata says (so streams from before hashing are sealed here), together with the
 * event id and global position. The entry is canonical JSON, so an auditor can recompute it.
 */
import { canonicalJson } from '../history/canonical-json';
import { Placed, hashEvent } from '../history/event-chain';
import { Hash, leafHash } from './merkle';

export interface LeafInput extends Placed {
  eventId: string;
  position: number;
}

export interface ComputedLeaf {
  eventHash: string;
  leafHash: Hash;
}

export const leafEntry = (eventId: string, position: number, eventHash: string): Buffer =>
  Buffer.from(canonicalJson({ eventHash, eventId, position }));

/** `previousHash`: the event hash the ledger computed for the stream's previous event. */
export const computeLeaf = (previousHash: string | null, event: LeafInput): ComputedLeaf => {
  const eventHash = hashEvent(previousHash, event);
  return { eventHash, leafHash: leafHash(leafEntry(event.eventId, event.position, eventHash)) };
};

/**
 * Computes leaves in order, carrying each stream's last event hash; `heads` holds what came
 * before the first event (and is updated).
 */
export const computeLeaves = (
  events: readonly LeafInput[],
  heads: Map<string, string>,
): ComputedLeaf[] =>
  events.map((event) => {
    const leaf = computeLeaf(heads.get(event.streamId) ?? null, event);
    heads.set(event.streamId, leaf.eventHash);
    return leaf;
  });
