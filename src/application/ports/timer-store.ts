/**
 * Durable timers, owned by the write side: an append that changes when a stream must be looked
 * at again (retry backoff, callback deadline) sets or clears its timer in the same transaction
 * (`AppendOptions.timer`), so a timer never depends on a read model catching up. The instance
 * holding a process's partition fires it.
 */
export interface StreamTimer {
  /** ISO time; null clears the stream's timer. */
  dueAt: string | null;
  /** Stable hash of the process id (`shardOf`): `shard % partitionCount` is its partition. */
  shard: number;
}

export interface DueTimer {
  streamId: string;
  dueAt: string;
  /** Failed firings so far (reset whenever an append sets the timer again). */
  attempts: number;
}

export interface TimerStore {
  /** Due timers of these partitions, oldest first. */
  due(
    now: Date,
    partitions: readonly number[],
    partitionCount: number,
    limit: number,
  ): Promise<DueTimer[]>;
  /** Fired and nothing was due any more: forget it, unless an append has set it again since. */
  settle(timer: DueTimer): Promise<void>;
  /** Firing failed: look again at `retryAt` (so a stuck timer never blocks the ones behind it). */
  snooze(timer: DueTimer, retryAt: Date): Promise<void>;
}

export const TIMER_STORE = Symbol('TimerStore');
