/**
 * Verifies an audit bundle with nothing but the bundle, the digest the auditor kept and the key
 * they trust: no database, no trust in the server. Proven means:
 * - the bundle's digest is signed by the trusted key, and is not older than the kept digest;
 * - the tree of the kept digest is a prefix of the bundle's (consistency: history before the
 *   kept digest was only appended to);
 * - every event up to the digest is in its tree (a whole-store bundle recomputes the root from
 *   all events, which also proves nothing was added, removed or reordered; a process bundle
 *   checks one inclusion proof per event);
 * - every event hashed in place matches its hash, in its stream's chain.
 * Events after the digest are reported as not yet proven.
 */
import { verifyChain } from '../history/chain-verdict';
import { RecordedEvent } from '../ports/event-store';
import { Bundle, BundleEvent, LedgerHint } from './audit-bundle';
import { ProcessReplay, replayProcesses } from './bundle-replay';
import { Finding, byPlace, describeEvent } from './finding';
import { ComputedLeaf, computeLeaves } from './ledger-leaf';
import { MerkleAppender } from './merkle-appender';
import { Hash, NodeReader, rootHash, verifyConsistency, verifyInclusion } from './merkle';
import { SignedDigest, keyIdOf, verifyDigest } from './signed-digest';
import { findFirstMismatch } from './tamper-finder';

export interface VerifyInput {
  bundle: Bundle;
  /** The digest the auditor kept from earlier (trusted: they stored it themselves). */
  kept: SignedDigest;
  /** PEM of the key the auditor trusts; default: the one the kept digest carries. */
  trustedKey?: string;
  keepStates?: boolean;
}

export interface AuditVerdict {
  proven: boolean;
  /** What is wrong, earliest first. Empty when proven. */
  findings: Finding[];
  digest: SignedDigest;
  keyId: string;
  /** Events proven against the digest. */
  provenEvents: number;
  /** Events after the digest: only as trustworthy as the server until the next digest. */
  unprovenEvents: number;
  processes: ProcessReplay[];
}

const buf = (hex: string): Hash => Buffer.from(hex, 'hex');

export const verifyBundle = (input: VerifyInput): AuditVerdict => {
  const { bundle, kept } = input;
  const digest = bundle.header.digest;
  const trusted = input.trustedKey ?? kept.publicKey;
  const findings: Finding[] = [];
  const verdict = (extra: Partial<AuditVerdict> = {}): AuditVerdict => ({
    proven: findings.length === 0,
    findings: findings.sort(byPlace),
    digest,
    keyId: keyIdOf(trusted),
    provenEvents: 0,
    unprovenEvents: 0,
    processes: [],
    ...extra,
  });
  if (!verifyDigest(kept, trusted)) {
    findings.push({ what: 'the digest you kept is not signed by the key you trust' });
    return verdict();
  }
  if (!verifyDigest(digest, trusted)) {
    findings.push({
      what: `the bundle's digest is not signed by the key you trust (it names key ${digest.keyId}, you trust ${keyIdOf(trusted)})`,
    });
    return verdict();
  }
  if (digest.treeSize < kept.treeSize) {
    findings.push({
      what: `the bundle proves a tree of ${digest.treeSize} events, fewer than the ${kept.treeSize} of the digest you kept: history was cut or the bundle is stale`,
    });
    return verdict();
  }
  const sorted = [...bundle.events].sort((a, b) => a.event.position - b.event.position);
  const proven = sorted.filter((line) => line.event.position <= digest.lastPosition);
  const events = proven.map((line) => line.event);
  const leaves = computeLeaves(events, new Map());
  // What the ledger shows first: at the same event it says more than the stream's own chain.
  if (bundle.header.process === null) {
    findings.push(...wholeStoreFindings(bundle, events, leaves, kept));
  } else {
    findings.push(...processFindings(bundle, proven, leaves, kept));
  }
  findings.push(...chainFindings(sorted.map((line) => line.event)));
  return verdict({
    provenEvents: events.length,
    unprovenEvents: sorted.length - proven.length,
    processes: replayProcesses(
      sorted.map((line) => line.event),
      input.keepStates ?? false,
    ),
  });
};

/** Each stream's own chain: events hashed in place must match, in revision order. */
const chainFindings = (events: readonly RecordedEvent[]): Finding[] => {
  const streams = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const list = streams.get(event.streamId);
    if (list) list.push(event);
    else streams.set(event.streamId, [event]);
  }
  const findings: Finding[] = [];
  for (const [streamId, list] of streams) {
    list.sort((a, b) => a.revision - b.revision);
    const chain = verifyChain(list);
    for (const problem of chain.problems ?? []) {
      const event = list.find((e) => e.revision === problem.revision);
      const place = event && {
        eventId: event.eventId,
        streamId,
        revision: event.revision,
        position: event.position,
      };
      const what =
        problem.problem === 'hash_mismatch'
          ? 'does not match its hash'
          : problem.problem === 'hash_missing'
            ? 'has lost its hash'
            : 'is missing from its stream (a gap in revisions)';
      findings.push(
        place
          ? { ...place, what: `${describeEvent(place)} ${what}` }
          : {
              streamId,
              revision: problem.revision,
              what: `stream ${streamId} revision ${problem.revision} ${what}`,
            },
      );
    }
  }
  return findings;
};

/** Rebuilds the whole tree from the events: roots of the bundle's and the kept digest. */
const wholeStoreFindings = (
  bundle: Bundle,
  events: readonly RecordedEvent[],
  leaves: readonly ComputedLeaf[],
  kept: SignedDigest,
): Finding[] => {
  const digest = bundle.header.digest;
  const nodes = new Map<string, Hash>();
  const appender = new MerkleAppender(0, new Map());
  for (const leaf of leaves) {
    for (const node of appender.append(leaf.leafHash))
      nodes.set(`${node.level}:${node.index}`, node.hash);
  }
  const read: NodeReader = (level, index) => nodes.get(`${level}:${index}`) as Hash;
  const rootAt = (size: number): string | null =>
    size <= leaves.length ? rootHash(read, size).toString('hex') : null;
  const keptHolds = rootAt(kept.treeSize) === kept.rootHash;
  const bundleHolds =
    events.length === digest.treeSize && rootAt(digest.treeSize) === digest.rootHash;
  if (keptHolds && bundleHolds) return [];
  const hints = new Map<string, LedgerHint>();
  for (const line of bundle.events) if (line.ledger) hints.set(line.event.eventId, line.ledger);
  const missing = bundle.missing.map((line) => line.ledger);
  const first = findFirstMismatch(events, leaves, hints, missing, digest.treeSize);
  if (first) return [first];
  // The ledger's own records were altered to match: place it between two signed digests.
  const signed = [...bundle.digests.map((d) => d.digest), kept, digest]
    .filter((d) => verifyDigest(d, kept.publicKey))
    .sort((a, b) => a.treeSize - b.treeSize);
  const bad = signed.find((d) => rootAt(d.treeSize) !== d.rootHash);
  const good = [...signed]
    .reverse()
    .find((d) => bad && d.treeSize < bad.treeSize && rootAt(d.treeSize) === d.rootHash);
  return [
    {
      what: `the events do not hash to the signed root, and the ledger's own records were altered too: the change lies between tree sizes ${good?.treeSize ?? 0} and ${bad?.treeSize ?? digest.treeSize} (positions ${good?.lastPosition ?? 0} to ${bad?.lastPosition ?? digest.lastPosition})`,
    },
  ];
};

/** One inclusion proof per event, and a consistency proof from the kept digest. */
const processFindings = (
  bundle: Bundle,
  proven: readonly BundleEvent[],
  leaves: readonly ComputedLeaf[],
  kept: SignedDigest,
): Finding[] => {
  const digest = bundle.header.digest;
  const root = buf(digest.rootHash);
  const findings: Finding[] = [];
  if (kept.treeSize === digest.treeSize) {
    if (kept.rootHash !== digest.rootHash)
      findings.push({ what: 'the bundle and the digest you kept disagree on the same tree' });
  } else {
    const line = bundle.digests.find((d) => d.digest.treeSize === kept.treeSize);
    const consistent =
      line !== undefined &&
      verifyConsistency(
        kept.treeSize,
        buf(kept.rootHash),
        digest.treeSize,
        root,
        line.consistency.map(buf),
      );
    if (!consistent)
      findings.push({
        what: `the bundle's tree does not extend the one of the digest you kept (size ${kept.treeSize}): history before it was rewritten`,
      });
  }
  proven.forEach((line, i) => {
    const e = line.event;
    const place = {
      eventId: e.eventId,
      streamId: e.streamId,
      revision: e.revision,
      position: e.position,
    };
    if (!line.ledger || !line.proof) {
      findings.push({
        ...place,
        what: `${describeEvent(place)} is not in the ledger: it was inserted after the fact`,
      });
      return;
    }
    if (
      !verifyInclusion(
        leaves[i].leafHash,
        line.ledger.leaf,
        digest.treeSize,
        line.proof.map(buf),
        root,
      )
    ) {
      findings.push({
        ...place,
        leaf: line.ledger.leaf,
        what: `${describeEvent(place)} is not the event the ledger proved at leaf ${line.ledger.leaf}: edited, moved or reordered`,
      });
    }
  });
  for (const { ledger } of bundle.missing) {
    findings.push({
      eventId: ledger.eventId,
      streamId: ledger.streamId,
      revision: ledger.revision,
      position: ledger.position,
      leaf: ledger.leaf,
      what: `${describeEvent(ledger)} was deleted: the ledger has it at leaf ${ledger.leaf}, the store no longer does`,
    });
  }
  return findings;
};
