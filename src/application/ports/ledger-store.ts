/**
 * Where the ledger keeps its tree (application/ledger): leaves, complete nodes, each stream's
 * last event hash, the signed digests and its checkpoint. Never the signing key.
 */
import { TreeNode } from '../ledger/merkle-appender';
import { Hash } from '../ledger/merkle';
import { SignedDigest } from '../ledger/signed-digest';

export interface LedgerLeafRecord {
  index: number;
  eventId: string;
  position: number;
  streamId: string;
  revision: number;
  /** The event's hash in place, as the ledger computed it (hex). */
  eventHash: string;
  leafHash: Hash;
}

export interface LedgerState {
  treeSize: number;
  /** Global position of the last event taken in (the checkpoint). */
  position: number;
  /** Level -> hash of the tree's right-edge subtrees (see merkle-appender.ts). */
  frontier: Map<number, Hash>;
  lastDigest: SignedDigest | null;
}

export interface LedgerBatch {
  leaves: LedgerLeafRecord[];
  /** Complete nodes the leaves finished (level 0 included). */
  nodes: TreeNode[];
  /** Each stream's last event hash after the batch. */
  heads: Map<string, string>;
  position: number;
  treeSize: number;
}

export interface LedgerStore {
  state(): Promise<LedgerState>;
  /** The last event hash of each of these streams the ledger knows. */
  streamHeads(streamIds: readonly string[]): Promise<Map<string, string>>;
  /** Writes a batch and moves the checkpoint, atomically; refuses if another writer moved it. */
  append(batch: LedgerBatch, expectedTreeSize: number): Promise<void>;
  recordDigest(digest: SignedDigest): Promise<void>;
  latestDigest(): Promise<SignedDigest | null>;
  /** The digest of exactly this tree size, if one was recorded. */
  digestAt(treeSize: number): Promise<SignedDigest | null>;
  /** Every recorded digest of a tree no bigger than `treeSize`, oldest first. */
  digestsUpTo(treeSize: number): Promise<SignedDigest[]>;
  /** Complete nodes by (level, index); missing ones are left out. */
  nodes(keys: ReadonlyArray<{ level: number; index: number }>): Promise<Map<string, Hash>>;
  leafOfEvent(eventId: string): Promise<LedgerLeafRecord | null>;
  /** Leaves [from, to) in index order. */
  leaves(from: number, to: number): Promise<LedgerLeafRecord[]>;
  leavesOfStream(streamId: string, below: number): Promise<LedgerLeafRecord[]>;
}

export const nodeKey = (level: number, index: number): string => `${level}:${index}`;

export const LEDGER_STORE = Symbol('LedgerStore');
