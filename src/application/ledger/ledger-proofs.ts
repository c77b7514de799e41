/**
 * Proofs from the stored tree: the pure algorithms (merkle.ts) run once to learn which nodes
 * they need, the store fetches those in one query, and they run again on the real hashes.
 */
import { LedgerStore, nodeKey } from '../ports/ledger-store';
import { Hash, NodeReader, consistencyProof, inclusionProof, rootHash } from './merkle';

const PLACEHOLDER = Buffer.alloc(32);

export const withStoredNodes = async <T>(
  store: LedgerStore,
  compute: (read: NodeReader) => T,
): Promise<T> => {
  const wanted = new Map<string, { level: number; index: number }>();
  compute((level, index) => {
    wanted.set(nodeKey(level, index), { level, index });
    return PLACEHOLDER;
  });
  const nodes = await store.nodes([...wanted.values()]);
  return compute((level, index) => {
    const hash = nodes.get(nodeKey(level, index));
    if (hash === undefined) throw new Error(`ledger node ${level}:${index} is missing`);
    return hash;
  });
};

export const storedInclusionProof = (store: LedgerStore, index: number, size: number) =>
  withStoredNodes(store, (read) => inclusionProof(read, index, size));

export const storedConsistencyProof = (store: LedgerStore, from: number, size: number) =>
  withStoredNodes(store, (read) => consistencyProof(read, from, size));

export const storedRoot = (store: LedgerStore, size: number): Promise<Hash> =>
  withStoredNodes(store, (read) => rootHash(read, size));

export const hex = (hashes: readonly Hash[]): string[] => hashes.map((h) => h.toString('hex'));
