/**
 * The Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1: leaf hash
 * SHA-256(0x00 || entry), interior node SHA-256(0x01 || left || right), the empty tree's root
 * SHA-256(""). Pure: the tree is read through `NodeReader`, which answers the hash of a complete
 * subtree (level, index) covering leaves [index * 2^level, (index + 1) * 2^level). A store keeps
 * those nodes (about two per leaf); the right edge of a tree that is not complete is computed.
 */
import { createHash } from 'node:crypto';

export type Hash = Buffer;
export type NodeReader = (level: number, index: number) => Hash;

const sha256 = (...parts: Buffer[]): Hash => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest();
};

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export const EMPTY_ROOT: Hash = sha256();
export const leafHash = (entry: Buffer): Hash => sha256(LEAF, entry);
export const nodeHash = (left: Hash, right: Hash): Hash => sha256(NODE, left, right);

/** Largest power of two strictly below n (n >= 2). */
const splitPoint = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

const isPowerOfTwo = (n: number): boolean => n > 0 && Number.isInteger(Math.log2(n));

const odd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/** MTH(D[start:end]), from complete subtrees (start is aligned, as every split leaves it). */
export const subtreeHash = (read: NodeReader, start: number, end: number): Hash => {
  const size = end - start;
  if (isPowerOfTwo(size) && start % size === 0) return read(Math.log2(size), start / size);
  const k = splitPoint(size);
  return nodeHash(subtreeHash(read, start, start + k), subtreeHash(read, start + k, end));
};

export const rootHash = (read: NodeReader, size: number): Hash =>
  size === 0 ? EMPTY_ROOT : subtreeHash(read, 0, size);

/** PATH(m, D[0:n]) of RFC 9162 2.1.3.1: the audit path of leaf `index` in a tree of `size`. */
export const inclusionProof = (read: NodeReader, index: number, size: number): Hash[] => {
  if (!(index >= 0 && index < size))
    throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path = (m: number, start: number, end: number): Hash[] => {
    if (end - start === 1) return [];
    const k = splitPoint(end - start);
    return m < start + k
      ? [...path(m, start, start + k), subtreeHash(read, start + k, end)]
      : [...path(m, start + k, end), subtreeHash(read, start, start + k)];
  };
  return path(index, 0, size);
};

/** PROOF(m, D[0:n]) of RFC 9162 2.1.4.1: the tree of `size` extends the one of `from` leaves. */
export const consistencyProof = (read: NodeReader, from: number, size: number): Hash[] => {
  if (!(from >= 0 && from <= size)) throw new RangeError(`no consistency from ${from} to ${size}`);
  if (from === 0 || from === size) return [];
  const sub = (m: number, start: number, end: number, whole: boolean): Hash[] => {
    if (m === end - start) return whole ? [] : [subtreeHash(read, start, end)];
    const k = splitPoint(end - start);
    return m <= k
      ? [...sub(m, start, start + k, whole), subtreeHash(read, start + k, end)]
      : [...sub(m - k, start + k, end, false), subtreeHash(read, start, start + k)];
  };
  return sub(from, 0, size, true);
};

/** RFC 9162 2.1.3.2: does `proof` put `leaf` at `index` of the tree of `size` with `root`? */
export const verifyInclusion = (
  leaf: Hash,
  index: number,
  size: number,
  proof: readonly Hash[],
  root: Hash,
): boolean => {
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
};

/** RFC 9162 2.1.4.2: does `proof` show the tree (size, root) extends (from, fromRoot)? */
export const verifyConsistency = (
  from: number,
  fromRoot: Hash,
  size: number,
  root: Hash,
  proof: readonly Hash[],
): boolean => {
  if (from > size || from < 0) return false;
  if (from === size) return proof.length === 0 && fromRoot.equals(root);
  if (from === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : [...proof];
  let fn = from - 1;
  let sn = size - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return fr.equals(fromRoot) && sr.equals(root) && sn === 0;
};
