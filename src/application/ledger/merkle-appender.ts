/**
 * Grows an RFC 9162 tree one leaf at a time, knowing only its right edge (the frontier): for a
 * tree of n leaves, one complete subtree per bit set in n. Each leaf yields the complete nodes
 * it finishes (on average two), which is all a store has to write; the root comes from the
 * frontier without reading anything.
 */
import { Hash, EMPTY_ROOT, nodeHash } from './merkle';

export interface TreeNode {
  level: number;
  index: number;
  hash: Hash;
}

/** The complete subtrees (level, index) a tree of `size` leaves has on its right edge. */
export const frontierNodes = (size: number): Array<{ level: number; index: number }> => {
  const nodes: Array<{ level: number; index: number }> = [];
  for (let level = 0; 2 ** level <= size; level++) {
    const count = Math.floor(size / 2 ** level);
    if (count % 2 === 1) nodes.push({ level, index: count - 1 });
  }
  return nodes;
};

export class MerkleAppender {
  /** Level -> the hash of the frontier's subtree at that level. */
  private readonly frontier: Map<number, Hash>;

  constructor(
    private treeSize: number,
    frontier: ReadonlyMap<number, Hash>,
  ) {
    this.frontier = new Map(frontier);
    for (const { level } of frontierNodes(treeSize)) {
      if (!this.frontier.has(level)) throw new Error(`ledger frontier lacks level ${level}`);
    }
  }

  get size(): number {
    return this.treeSize;
  }

  /** An independent copy (to grow a batch that may still fail to be written). */
  clone(): MerkleAppender {
    return new MerkleAppender(this.treeSize, this.frontier);
  }

  /** Adds a leaf; returns the complete nodes it finishes, the leaf itself first. */
  append(leaf: Hash): TreeNode[] {
    const created: TreeNode[] = [{ level: 0, index: this.treeSize, hash: leaf }];
    let hash = leaf;
    let index = this.treeSize;
    let level = 0;
    while (index % 2 === 1) {
      const left = this.frontier.get(level) as Hash;
      this.frontier.delete(level);
      hash = nodeHash(left, hash);
      index = (index - 1) / 2;
      level += 1;
      created.push({ level, index, hash });
    }
    this.frontier.set(level, hash);
    this.treeSize += 1;
    return created;
  }

  /** MTH of the whole tree so far. */
  root(): Hash {
    let root: Hash | undefined;
    for (const { level } of frontierNodes(this.treeSize)) {
      const node = this.frontier.get(level) as Hash;
      root = root === undefined ? node : nodeHash(node, root);
    }
    return root ?? EMPTY_ROOT;
  }
}
