/**
 * Fencing tokens. Holding a partition (or a role) is only a belief of this instance: the
 * ownership session may be gone without it knowing yet, and another instance may already have
 * taken the work over. So each acquisition gets an epoch from the store, and every write the
 * owner makes names the epoch it works under; the store refuses it in the same statement once
 * the epoch is no longer current.
 *
 * The runner's writes happen deep inside the process repository, the step runners and the
 * parker, which serve API commands too (never fenced: any instance accepts those). Rather than
 * threading a fence through each of them, a drive runs inside `withFence`, and the event store
 * adapter reads `currentFence()` when an append carries none of its own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Fence {
  /** What is owned: `partition:<n>` or `role:<name>`. */
  name: string;
  /** The epoch this owner acquired it at. */
  epoch: number;
}

export const partitionFenceName = (partition: number): string => `partition:${partition}`;
export const roleFenceName = (role: string): string => `role:${role}`;

const storage = new AsyncLocalStorage<Fence | undefined>();

/** Runs `work` (and everything it starts) as the owner named by `fence`. */
export const withFence = <T>(fence: Fence | undefined, work: () => T): T =>
  fence === undefined ? work() : storage.run(fence, work);

export const currentFence = (): Fence | undefined => storage.getStore();
