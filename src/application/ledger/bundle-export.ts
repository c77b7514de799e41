/**
 * Writes an audit bundle (audit-bundle.ts) from the event store and the ledger: the whole store
 * up to a digest, or one process with an inclusion proof per event. Lines are produced one at a
 * time, so the API can stream them and the CLI can write them to a file.
 */
import { NotFoundError } from '../../domain/errors';
import { EventStore, RecordedEvent } from '../ports/event-store';
import { LedgerLeafRecord, LedgerStore } from '../ports/ledger-store';
import { BUNDLE_FORMAT, BundleLine, LedgerHint } from './audit-bundle';
import { hex, storedConsistencyProof, storedInclusionProof } from './ledger-proofs';

export interface ExportOptions {
  /** A stream id (`process-<uuid>`); absent: the whole store. */
  streamId?: string;
  /** Tree size of the digest to prove against; absent: the latest. */
  until?: number;
  now: Date;
}

const PAGE = 5000;

const hint = (leaf: LedgerLeafRecord): LedgerHint => ({
  leaf: leaf.index,
  eventId: leaf.eventId,
  position: leaf.position,
  streamId: leaf.streamId,
  revision: leaf.revision,
  eventHash: leaf.eventHash,
  leafHash: leaf.leafHash.toString('hex'),
});

export async function* exportBundle(
  store: EventStore,
  ledger: LedgerStore,
  options: ExportOptions,
): AsyncGenerator<BundleLine> {
  const digest =
    options.until === undefined
      ? await ledger.latestDigest()
      : await ledger.digestAt(options.until);
  if (digest === null) {
    throw new NotFoundError(
      options.until === undefined
        ? 'The ledger has signed no digest yet'
        : `No digest of tree size ${options.until}`,
    );
  }
  yield {
    kind: 'header',
    format: BUNDLE_FORMAT,
    digest,
    process: options.streamId ?? null,
    exportedAt: options.now.toISOString(),
  };
  for (const earlier of await ledger.digestsUpTo(digest.treeSize)) {
    if (earlier.treeSize === digest.treeSize) continue;
    const proof = await storedConsistencyProof(ledger, earlier.treeSize, digest.treeSize);
    yield { kind: 'digest', digest: earlier, consistency: hex(proof) };
  }
  if (options.streamId !== undefined) {
    const leaves = await ledger.leavesOfStream(options.streamId, digest.treeSize);
    const byId = new Map(leaves.map((leaf) => [leaf.eventId, leaf]));
    for (const event of await store.readStream(options.streamId)) {
      const leaf = byId.get(event.eventId);
      byId.delete(event.eventId);
      if (leaf === undefined) yield { kind: 'event', event, ledger: null };
      else {
        const proof = await storedInclusionProof(ledger, leaf.index, digest.treeSize);
        yield { kind: 'event', event, ledger: hint(leaf), proof: hex(proof) };
      }
    }
    for (const leaf of byId.values()) yield { kind: 'missing', ledger: hint(leaf) };
    return;
  }
  const byId = new Map<string, LedgerLeafRecord>();
  for (let from = 0; from < digest.treeSize; from += PAGE) {
    for (const leaf of await ledger.leaves(from, Math.min(from + PAGE, digest.treeSize))) {
      byId.set(leaf.eventId, leaf);
    }
  }
  let after = 0;
  for (;;) {
    const page: RecordedEvent[] = await store.readAll({ after, limit: PAGE });
    const inDigest = page.filter((event) => event.position <= digest.lastPosition);
    for (const event of inDigest) {
      const leaf = byId.get(event.eventId);
      byId.delete(event.eventId);
      yield { kind: 'event', event, ledger: leaf === undefined ? null : hint(leaf) };
    }
    if (page.length < PAGE || inDigest.length < page.length) break;
    after = page[page.length - 1].position;
  }
  const missing = [...byId.values()].sort((a, b) => a.index - b.index);
  for (const leaf of missing) yield { kind: 'missing', ledger: hint(leaf) };
}
