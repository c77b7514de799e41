/**
 * The ledger's Merkle tree (RFC 9162): roots, inclusion and consistency proofs against a
 * straightforward recursive definition, and the incremental appender the projection uses.
 */
import { createHash } from 'node:crypto';
import {
  MerkleAppender,
  TreeNode,
  frontierNodes,
} from '../../src/application/ledger/merkle-appender';
import {
  EMPTY_ROOT,
  Hash,
  NodeReader,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from '../../src/application/ledger/merkle';

const leaves = (n: number): Hash[] =>
  Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));

/** MTH exactly as RFC 9162 2.1.1 writes it. */
const mth = (d: Hash[]): Hash => {
  if (d.length === 0) return createHash('sha256').digest();
  if (d.length === 1) return d[0];
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return nodeHash(mth(d.slice(0, k)), mth(d.slice(k)));
};

/** Every complete node, as the ledger stores them, built with the appender. */
const build = (
  n: number,
): { read: NodeReader; nodes: Map<string, Hash>; appender: MerkleAppender } => {
  const appender = new MerkleAppender(0, new Map());
  const nodes = new Map<string, Hash>();
  for (const leaf of leaves(n)) {
    for (const node of appender.append(leaf)) nodes.set(`${node.level}:${node.index}`, node.hash);
  }
  const read: NodeReader = (level, index) => {
    const hash = nodes.get(`${level}:${index}`);
    if (!hash) throw new Error(`no node ${level}:${index}`);
    return hash;
  };
  return { read, nodes, appender };
};

const flip = (hash: Hash): Hash => {
  const copy = Buffer.from(hash);
  copy[0] ^= 1;
  return copy;
};

describe('RFC 9162 Merkle tree', () => {
  it('has the empty root SHA-256("") and domain-separated leaves and nodes', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(leafHash(Buffer.from('a')).equals(createHash('sha256').update('\x00a').digest())).toBe(
      true,
    );
  });

  it('computes the same root incrementally, from stored nodes and by definition', () => {
    const { read, appender } = build(70);
    for (const n of [0, 1, 2, 3, 5, 8, 13, 64, 70]) {
      expect(rootHash(read, n).equals(mth(leaves(n)))).toBe(true);
    }
    expect(appender.root().equals(mth(leaves(70)))).toBe(true);
  });

  it('resumes from a frontier read back from storage', () => {
    const { nodes } = build(45);
    const frontier = new Map(
      frontierNodes(45).map(({ level, index }) => [level, nodes.get(`${level}:${index}`) as Hash]),
    );
    const resumed = new MerkleAppender(45, frontier);
    const added: TreeNode[] = [];
    for (const leaf of leaves(50).slice(45)) added.push(...resumed.append(leaf));
    expect(resumed.root().equals(mth(leaves(50)))).toBe(true);
    expect(added.length).toBeGreaterThan(5);
    expect(() => new MerkleAppender(45, new Map())).toThrow(/frontier/);
  });

  it('proves every leaf of every tree size up to 33, and refuses altered proofs', () => {
    const { read } = build(33);
    const all = leaves(33);
    for (let n = 1; n <= 33; n++) {
      const root = mth(all.slice(0, n));
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(read, m, n);
        expect(verifyInclusion(all[m], m, n, proof, root)).toBe(true);
        if (n > 1) {
          expect(verifyInclusion(all[m], (m + 1) % n, n, proof, root)).toBe(false);
          expect(verifyInclusion(flip(all[m]), m, n, proof, root)).toBe(false);
          expect(verifyInclusion(all[m], m, n, [flip(proof[0]), ...proof.slice(1)], root)).toBe(
            false,
          );
        }
      }
    }
    expect(() => inclusionProof(read, 5, 5)).toThrow(RangeError);
  });

  it('proves every tree extends every smaller one, and refuses altered proofs', () => {
    const { read } = build(33);
    const all = leaves(33);
    for (let n = 1; n <= 33; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(read, m, n);
        const older = mth(all.slice(0, m));
        const newer = mth(all.slice(0, n));
        expect(verifyConsistency(m, older, n, newer, proof)).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, flip(older), n, newer, proof)).toBe(false);
          expect(verifyConsistency(m, older, n, flip(newer), proof)).toBe(false);
          expect(verifyConsistency(m, older, n, newer, proof.slice(1))).toBe(false);
        }
      }
    }
    // A history rewritten below the older tree cannot be shown to extend it.
    const rewritten = [...all.slice(0, 20)];
    rewritten[3] = flip(rewritten[3]);
    expect(
      verifyConsistency(8, mth(all.slice(0, 8)), 20, mth(rewritten), consistencyProof(read, 8, 20)),
    ).toBe(false);
  });
});
