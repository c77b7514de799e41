/**
 * The ledger: follows the store in global order, off the hot path like the read models, and
 * appends every event to an RFC 9162 Merkle tree (leaf: ledger-leaf.ts). Every
 * LEDGER_DIGEST_EVERY events or seconds it signs a digest of the tree. One instance at a time
 * holds the role; the tree, each stream's head and the checkpoint move in one transaction per
 * batch, so a crash never leaves half a batch in the tree.
 */
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { CLOCK, Clock } from '../ports/clock';
import { EVENT_STORE, EventStore, RecordedEvent, Subscription } from '../ports/event-store';
import { LEDGER_STORE, LedgerLeafRecord, LedgerStore } from '../ports/ledger-store';
import { WORK_OWNERSHIP, WorkOwnership } from '../ports/work-ownership';
import { computeLeaf } from './ledger-leaf';
import { LEDGER_SETTINGS, LedgerSettings } from './ledger-settings';
import { MerkleAppender, TreeNode } from './merkle-appender';
import { SignedDigest, signDigest } from './signed-digest';

export const LEDGER_ROLE = 'ledger';
/** The ledger may trail the store a little; bigger batches cost the database far less. */
const LEDGER_MIN_INTERVAL_MS = 50;
const DIGEST_CHECK_MS = 1000;

interface Tree {
  appender: MerkleAppender;
  position: number;
  lastDigest: SignedDigest | null;
}

@Injectable()
export class LedgerProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Ledger');
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
  private tree?: Tree;
  /** Batches and timed digests take turns. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_STORE) private readonly ledger: LedgerStore,
    @Inject(WORK_OWNERSHIP) private readonly ownership: WorkOwnership,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LEDGER_SETTINGS) private readonly settings: LedgerSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.ownership.watchRole(LEDGER_ROLE, {
      acquired: () => this.follow(),
      released: () => this.stop(),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Tree size and checkpoint as this instance last wrote them (undefined: not following). */
  get progress(): { treeSize: number; position: number } | undefined {
    return this.tree && { treeSize: this.tree.appender.size, position: this.tree.position };
  }

  private async follow(): Promise<void> {
    const tree = await this.load();
    this.logger.log(
      `ledger follows events after position ${tree.position} (tree of ${tree.appender.size} events)`,
    );
    this.subscription = this.store.subscribeAll(
      tree.position,
      (events) => this.turn(() => this.take(events)),
      { minIntervalMs: LEDGER_MIN_INTERVAL_MS },
    );
    if (this.settings.signingKey && this.settings.digestEverySeconds > 0) {
      this.timer = setInterval(() => {
        this.turn(() => this.digestIfDue()).catch((error: unknown) =>
          this.logger.warn(`ledger digest failed: ${String(error)}`),
        );
      }, DIGEST_CHECK_MS);
      this.timer.unref();
    }
  }

  private async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close();
    await this.queue.catch(() => undefined);
    this.tree = undefined;
  }

  private turn<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async load(): Promise<Tree> {
    const state = await this.ledger.state();
    this.tree = {
      appender: new MerkleAppender(state.treeSize, state.frontier),
      position: state.position,
      lastDigest: state.lastDigest,
    };
    return this.tree;
  }

  private async take(events: readonly RecordedEvent[]): Promise<void> {
    const tree = this.tree ?? (await this.load());
    const fresh = events.filter((event) => event.position > tree.position);
    if (fresh.length === 0) return;
    const streams = [...new Set(fresh.map((event) => event.streamId))];
    const heads = await this.ledger.streamHeads(streams);
    const before = tree.appender.size;
    // Work on a copy: if the write fails, the tree in memory must not run ahead of the stored one.
    const appender = tree.appender.clone();
    const leaves: LedgerLeafRecord[] = [];
    const nodes: TreeNode[] = [];
    for (const event of fresh) {
      const { eventHash, leafHash } = computeLeaf(heads.get(event.streamId) ?? null, event);
      heads.set(event.streamId, eventHash);
      leaves.push({
        index: appender.size,
        eventId: event.eventId,
        position: event.position,
        streamId: event.streamId,
        revision: event.revision,
        eventHash,
        leafHash,
      });
      nodes.push(...appender.append(leafHash));
    }
    const position = fresh[fresh.length - 1].position;
    try {
      await this.ledger.append({ leaves, nodes, heads, position, treeSize: appender.size }, before);
    } catch (error) {
      this.tree = undefined; // re-read what the store has before the next batch
      throw error;
    }
    tree.appender = appender;
    tree.position = position;
    await this.digestIfDue();
  }

  /** Signs a digest when enough events or time went by since the last one. */
  private async digestIfDue(): Promise<void> {
    const tree = this.tree;
    const key = this.settings.signingKey;
    if (!tree || !key) return;
    const size = tree.appender.size;
    const last = tree.lastDigest;
    if (size === (last?.treeSize ?? 0)) return;
    const now = this.clock.now();
    const byCount =
      this.settings.digestEveryEvents > 0 &&
      size - (last?.treeSize ?? 0) >= this.settings.digestEveryEvents;
    const byTime =
      this.settings.digestEverySeconds > 0 &&
      (last === null ||
        now.getTime() - Date.parse(last.at) >= this.settings.digestEverySeconds * 1000);
    if (!byCount && !byTime) return;
    const digest = signDigest(
      {
        treeSize: size,
        rootHash: tree.appender.root().toString('hex'),
        lastPosition: tree.position,
        at: now.toISOString(),
      },
      key,
    );
    await this.ledger.recordDigest(digest);
    tree.lastDigest = digest;
  }
}
