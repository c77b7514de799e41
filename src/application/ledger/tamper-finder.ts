/**
 * Names the first event that no longer matches the ledger, when the events of a whole-store
 * bundle do not hash to the signed root. It walks the events in global order beside what the
 * ledger recorded for each leaf: a leaf whose event is gone (deleted), an event the ledger never
 * saw (inserted), an event in another leaf's place (reordered), or an event whose leaf changed
 * (edited, moved to another stream, its hash stripped). The ledger's records only help to name;
 * the verdict itself comes from the root.
 */
import { RecordedEvent } from '../ports/event-store';
import { isHashedInPlace } from '../history/event-chain';
import { LedgerHint } from './audit-bundle';
import { ComputedLeaf } from './ledger-leaf';
import { Finding, describeEvent } from './finding';

const place = (event: RecordedEvent, leaf?: number): Omit<Finding, 'what'> => ({
  eventId: event.eventId,
  streamId: event.streamId,
  revision: event.revision,
  position: event.position,
  ...(leaf === undefined ? {} : { leaf }),
});

const fromHint = (hint: LedgerHint): Omit<Finding, 'what'> => ({
  eventId: hint.eventId,
  streamId: hint.streamId,
  revision: hint.revision,
  position: hint.position,
  leaf: hint.leaf,
});

/** Why the event no longer gives the leaf the ledger recorded for it. */
export const whatChanged = (event: RecordedEvent, hint: LedgerHint, leaf: ComputedLeaf): string => {
  if (event.streamId !== hint.streamId)
    return `moved from stream ${hint.streamId} to stream ${event.streamId}`;
  if (event.revision !== hint.revision)
    return `its revision changed from ${hint.revision} to ${event.revision} (events reordered)`;
  if (event.position !== hint.position)
    return `its position changed from ${hint.position} to ${event.position} (events reordered)`;
  if (leaf.eventHash === hint.eventHash) return 'the ledger record of its leaf was altered';
  if (!isHashedInPlace(event) || typeof event.metadata.hash !== 'string')
    return 'its hash was stripped or its data or metadata edited';
  return 'its data or metadata was edited (its hash recomputed to match)';
};

export const findFirstMismatch = (
  events: readonly RecordedEvent[],
  leaves: readonly ComputedLeaf[],
  hints: ReadonlyMap<string, LedgerHint>,
  missing: readonly LedgerHint[],
  treeSize: number,
): Finding | null => {
  const byLeaf = new Map<number, LedgerHint>();
  for (const hint of [...hints.values(), ...missing]) byLeaf.set(hint.leaf, hint);
  const present = new Set(events.map((event) => event.eventId));
  for (let i = 0; i < Math.max(treeSize, events.length); i++) {
    const event = events[i];
    const expected = byLeaf.get(i);
    if (i >= treeSize) {
      return {
        ...place(event, i),
        what: `${describeEvent(place(event))} is not in the ledger: it was inserted after the fact`,
      };
    }
    if (expected === undefined) {
      if (event && !hints.has(event.eventId))
        return {
          ...place(event, i),
          what: `${describeEvent(place(event))} is not in the ledger: it was inserted after the fact`,
        };
      continue; // the ledger's own record of this leaf is gone; look further
    }
    if (event === undefined || event.eventId !== expected.eventId) {
      if (!present.has(expected.eventId))
        return {
          ...fromHint(expected),
          what: `${describeEvent(fromHint(expected))} was deleted: the ledger has it at leaf ${i}, the store no longer does`,
        };
      if (event && !hints.has(event.eventId))
        return {
          ...place(event, i),
          what: `${describeEvent(place(event))} is not in the ledger: it was inserted after the fact`,
        };
      return {
        ...place(event, i),
        what: `${describeEvent(place(event))} is out of order: the ledger has ${describeEvent(fromHint(expected))} in its place (events reordered)`,
      };
    }
    if (!leaves[i].leafHash.equals(Buffer.from(expected.leafHash, 'hex'))) {
      return {
        ...place(event, i),
        what: `${describeEvent(place(event))} does not match the ledger: ${whatChanged(event, expected, leaves[i])}`,
      };
    }
  }
  return null;
};
