/**
 * Writes the batches of several projections together: their staged writes are grouped by unit
 * (the stores of one database) and each unit commits its group at once, so the read models of a
 * lane cost one statement per batch instead of one (or more) each. (A rebuild writes each
 * projection's pages on their own, side by side: rebuild.ts.)
 */
import { RecordedEvent } from '../ports/event-store';
import { StagedWrite, WriteUnit } from '../ports/read-model-store';
import { PreparedBatch, Projection } from './projection';

/**
 * Commits prepared batches, unit by unit, without telling them: for a caller that told them
 * already (a rebuild, which stops at its first failed write; see replay).
 */
export const writeTogether = async (prepared: readonly PreparedBatch[]): Promise<void> => {
  const units = new Map<WriteUnit, StagedWrite[]>();
  for (const { write } of prepared) {
    const group = units.get(write.unit);
    if (group) group.push(write);
    else units.set(write.unit, [write]);
  }
  for (const [unit, writes] of units) await unit.commit(writes);
};

/** Commits prepared batches, unit by unit, then tells each it was written. */
export const commitTogether = async (prepared: readonly PreparedBatch[]): Promise<void> => {
  await writeTogether(prepared);
  for (const batch of prepared) batch.written();
};

/** `apply` of every projection to the same events: together where they can `prepare`. */
export const applyTogether = async (
  projections: readonly Projection[],
  events: readonly RecordedEvent[],
  to: number | null,
): Promise<void> => {
  const alone = projections.filter((p) => p.prepare === undefined);
  await Promise.all([
    Promise.all(projections.flatMap((p) => (p.prepare ? [p.prepare(events, to)] : []))).then(
      commitTogether,
    ),
    ...alone.map((p) => p.apply(events, to)),
  ]);
};
