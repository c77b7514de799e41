import { Fence } from '../ownership/write-fence';

/** Durable positions of subscribers (runner, projections), so a restart resumes, not restarts. */
export interface CheckpointStore {
  load(name: string): Promise<number>;
  save(name: string, position: number): Promise<void>;
  /**
   * Several at once, in one write (the runner's partitions). A checkpoint with a fence is
   * written only if that fence is still current; the answer counts the ones not written.
   */
  saveMany(
    positions: ReadonlyMap<string, number>,
    fences?: ReadonlyMap<string, Fence>,
  ): Promise<{ fencedOut: number }>;
}

export const CHECKPOINT_STORE = Symbol('CheckpointStore');
