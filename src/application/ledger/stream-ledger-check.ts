/**
 * One stream compared with what the ledger recorded for it (`GET /api/processes/{id}/verify`):
 * catches what a stream's own chain cannot show (a rewrite with every hash recomputed, a cut-off
 * tail, every hash stripped) as long as the ledger's tables were left alone. It reads the
 * server's own records, so it is a quick check, not a proof: for a proof an auditor verifies a
 * bundle against a digest they kept (docs/auditing.md).
 */
import { RecordedEvent } from '../ports/event-store';
import { LedgerLeafRecord } from '../ports/ledger-store';
import { computeLeaves } from './ledger-leaf';

export type LedgerProblem = 'differs_from_ledger' | 'not_in_ledger' | 'deleted';

export interface StreamLedgerCheck {
  intact: boolean;
  /** Events of the stream the ledger has taken in. */
  covered: number;
  firstBadRevision?: number;
  problems?: Array<{ revision: number; problem: LedgerProblem }>;
}

/** `ledgerPosition`: how far the ledger has followed the store (later events are not in it yet). */
export const checkStreamAgainstLedger = (
  events: readonly RecordedEvent[],
  leaves: readonly LedgerLeafRecord[],
  ledgerPosition: number,
): StreamLedgerCheck => {
  const inOrder = [...events].sort((a, b) => a.position - b.position);
  const computed = computeLeaves(inOrder, new Map());
  const byId = new Map(leaves.map((leaf) => [leaf.eventId, leaf]));
  const problems: Array<{ revision: number; problem: LedgerProblem }> = [];
  let covered = 0;
  inOrder.forEach((event, i) => {
    const leaf = byId.get(event.eventId);
    byId.delete(event.eventId);
    if (leaf === undefined) {
      if (event.position <= ledgerPosition)
        problems.push({ revision: event.revision, problem: 'not_in_ledger' });
      return;
    }
    covered += 1;
    if (!leaf.leafHash.equals(computed[i].leafHash))
      problems.push({ revision: event.revision, problem: 'differs_from_ledger' });
  });
  for (const leaf of byId.values()) problems.push({ revision: leaf.revision, problem: 'deleted' });
  if (problems.length === 0) return { intact: true, covered };
  return {
    intact: false,
    covered,
    firstBadRevision: Math.min(...problems.map((p) => p.revision)),
    problems,
  };
};
