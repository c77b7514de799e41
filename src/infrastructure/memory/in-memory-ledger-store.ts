/** The ledger's tables in memory: tests and the in-memory service. */
import {
  LedgerBatch,
  LedgerLeafRecord,
  LedgerState,
  LedgerStore,
  nodeKey,
} from '../../application/ports/ledger-store';
import { frontierNodes } from '../../application/ledger/merkle-appender';
import { SignedDigest } from '../../application/ledger/signed-digest';

export class InMemoryLedgerStore implements LedgerStore {
  private treeSize = 0;
  private position = 0;
  private readonly leafList: LedgerLeafRecord[] = [];
  private readonly nodeMap = new Map<string, Buffer>();
  private readonly heads = new Map<string, string>();
  private readonly digests: SignedDigest[] = [];

  async state(): Promise<LedgerState> {
    const frontier = new Map(
      frontierNodes(this.treeSize).map(({ level, index }) => [
        level,
        this.nodeMap.get(nodeKey(level, index)) as Buffer,
      ]),
    );
    return {
      treeSize: this.treeSize,
      position: this.position,
      frontier,
      lastDigest: await this.latestDigest(),
    };
  }

  async streamHeads(streamIds: readonly string[]): Promise<Map<string, string>> {
    const heads = new Map<string, string>();
    for (const id of streamIds) {
      const head = this.heads.get(id);
      if (head !== undefined) heads.set(id, head);
    }
    return heads;
  }

  async append(batch: LedgerBatch, expectedTreeSize: number): Promise<void> {
    if (this.treeSize !== expectedTreeSize)
      throw new Error(`the ledger moved on under this writer (expected ${expectedTreeSize})`);
    this.leafList.push(...batch.leaves);
    for (const node of batch.nodes) this.nodeMap.set(nodeKey(node.level, node.index), node.hash);
    for (const [stream, hash] of batch.heads) this.heads.set(stream, hash);
    this.treeSize = batch.treeSize;
    this.position = batch.position;
  }

  async recordDigest(digest: SignedDigest): Promise<void> {
    if (!this.digests.some((d) => d.treeSize === digest.treeSize)) this.digests.push(digest);
  }

  async latestDigest(): Promise<SignedDigest | null> {
    return this.digests[this.digests.length - 1] ?? null;
  }

  async digestAt(treeSize: number): Promise<SignedDigest | null> {
    return this.digests.find((d) => d.treeSize === treeSize) ?? null;
  }

  async digestsUpTo(treeSize: number): Promise<SignedDigest[]> {
    return this.digests.filter((d) => d.treeSize <= treeSize);
  }

  async nodes(keys: ReadonlyArray<{ level: number; index: number }>): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    for (const { level, index } of keys) {
      const hash = this.nodeMap.get(nodeKey(level, index));
      if (hash !== undefined) found.set(nodeKey(level, index), hash);
    }
    return found;
  }

  async leafOfEvent(eventId: string): Promise<LedgerLeafRecord | null> {
    return this.leafList.find((leaf) => leaf.eventId === eventId) ?? null;
  }

  async leaves(from: number, to: number): Promise<LedgerLeafRecord[]> {
    return this.leafList.slice(from, to);
  }

  async leavesOfStream(streamId: string, below: number): Promise<LedgerLeafRecord[]> {
    return this.leafList.filter((leaf) => leaf.streamId === streamId && leaf.index < below);
  }
}
