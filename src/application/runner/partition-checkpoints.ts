/**
 * The runner's checkpoints, one per partition, so a partition taken over resumes where its
 * last owner got to. Saves are gathered and written together (one statement however many
 * partitions moved), and only for partitions this instance still holds, so an instance that
 * has lost a partition never moves its new owner's checkpoint. "Still holds" is checked by the
 * store, not believed: each position carries the fence of the scheduler that reached it, and the
 * store writes it only while that epoch is current. A scheduler of an earlier holding (this
 * instance lost the partition and took it again) can thus never write over the current one.
 */
import { Logger } from '@nestjs/common';
import { Fence } from '../ownership/write-fence';
import { CheckpointStore } from '../ports/checkpoint-store';

/** Before partitions, the runner had one checkpoint; partitions start from it. */
export const LEGACY_RUNNER_CHECKPOINT = 'runner';

export const partitionCheckpoint = (partition: number): string => `runner:${partition}`;

/** Where the slowest partition is: how far the runner as a whole trails (for lag reports). */
export const slowestPartitionCheckpoint = async (
  store: CheckpointStore,
  partitionCount: number,
): Promise<number> => {
  const legacy = await store.load(LEGACY_RUNNER_CHECKPOINT);
  const saved = await Promise.all(
    Array.from({ length: partitionCount }, (_, p) => store.load(partitionCheckpoint(p))),
  );
  return Math.min(...saved.map((position) => (position > 0 ? position : legacy)));
};

export class PartitionCheckpoints {
  private readonly logger = new Logger(PartitionCheckpoints.name);
  private readonly waiting = new Map<number, { position: number; fence?: Fence }>();
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: CheckpointStore,
    private readonly holds: (partition: number) => boolean,
    private readonly everyMs = 200,
  ) {}

  async load(partition: number): Promise<number> {
    const saved = await this.store.load(partitionCheckpoint(partition));
    return saved > 0 ? saved : this.store.load(LEGACY_RUNNER_CHECKPOINT);
  }

  /** Records a position to save: written with the others within `everyMs`. */
  save(partition: number, position: number, fence?: Fence): Promise<void> {
    const newer = this.waiting.get(partition)?.fence;
    if (newer && fence && newer.epoch > fence.epoch) return Promise.resolve();
    this.waiting.set(partition, { position, fence });
    if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.everyMs);
      this.timer.unref();
    }
    return Promise.resolve();
  }

  /** Writes what is waiting now (a partition handed back, shutdown). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  private async write(): Promise<void> {
    const positions = new Map<string, number>();
    const fences = new Map<string, Fence>();
    for (const [partition, { position, fence }] of this.waiting) {
      if (!this.holds(partition)) continue;
      positions.set(partitionCheckpoint(partition), position);
      if (fence) fences.set(partitionCheckpoint(partition), fence);
    }
    this.waiting.clear();
    try {
      const { fencedOut } = await this.store.saveMany(positions, fences);
      if (fencedOut > 0) {
        this.logger.warn(`${fencedOut} runner checkpoints not saved: their partition moved on`);
      }
    } catch (error) {
      // The next save carries a later position; a restart only redelivers a little more.
      this.logger.warn(`could not save runner checkpoints: ${(error as Error).message}`);
    }
  }
}
