/**
 * The self-contained bundle an auditor verifies offline (`baton audit export` / `verify`): NDJSON,
 * one object per line. First the header with the signed digest it proves against, then every
 * earlier digest with a consistency proof to it, then the events (in global order) each with
 * what the ledger recorded for it, then what the ledger recorded for events the store no longer
 * has. The ledger's records are hints for naming what is wrong; the verdict rests only on the
 * events themselves, the proofs and the signature.
 */
import { RecordedEvent } from '../ports/event-store';
import { SignedDigest } from './signed-digest';

export const BUNDLE_FORMAT = 'baton-audit-bundle/1';

/** What the ledger recorded for one leaf (untrusted: read from the server's database). */
export interface LedgerHint {
  leaf: number;
  eventId: string;
  position: number;
  streamId: string;
  revision: number;
  eventHash: string;
  leafHash: string;
}

export interface BundleHeader {
  kind: 'header';
  format: typeof BUNDLE_FORMAT;
  digest: SignedDigest;
  /** The process exported, or null for the whole store up to the digest. */
  process: string | null;
  exportedAt: string;
}

export interface BundleDigest {
  kind: 'digest';
  digest: SignedDigest;
  /** RFC 9162 consistency proof from this digest's tree to the header's (hex). */
  consistency: string[];
}

export interface BundleEvent {
  kind: 'event';
  event: RecordedEvent;
  ledger: LedgerHint | null;
  /** Inclusion proof of the event's leaf in the header's tree (process bundles; hex). */
  proof?: string[];
}

export interface BundleMissing {
  kind: 'missing';
  ledger: LedgerHint;
}

export type BundleLine = BundleHeader | BundleDigest | BundleEvent | BundleMissing;

export interface Bundle {
  header: BundleHeader;
  digests: BundleDigest[];
  events: BundleEvent[];
  missing: BundleMissing[];
}

/** Reads NDJSON text into a bundle; throws a plain Error saying what is malformed. */
export const parseBundle = (text: string): Bundle => {
  const bundle: Partial<Bundle> = { digests: [], events: [], missing: [] };
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    let line: BundleLine;
    try {
      line = JSON.parse(raw) as BundleLine;
    } catch {
      throw new Error(`bundle line ${index + 1} is not JSON`);
    }
    switch (line?.kind) {
      case 'header':
        if (line.format !== BUNDLE_FORMAT) throw new Error(`not a ${BUNDLE_FORMAT} bundle`);
        bundle.header = line;
        return;
      case 'digest':
        bundle.digests!.push(line);
        return;
      case 'event':
        bundle.events!.push(line);
        return;
      case 'missing':
        bundle.missing!.push(line);
        return;
      default:
        throw new Error(`bundle line ${index + 1} has no known kind`);
    }
  });
  if (bundle.header === undefined) throw new Error('the bundle has no header line');
  return bundle as Bundle;
};
