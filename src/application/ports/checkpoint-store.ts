/** Durable positions of subscribers (runner, projections), so a restart resumes, not restarts. */
export interface CheckpointStore {
  load(name: string): Promise<number>;
  save(name: string, position: number): Promise<void>;
  /** Several at once, in one write (the runner's partitions). */
  saveMany(positions: ReadonlyMap<string, number>): Promise<void>;
}

export const CHECKPOINT_STORE = Symbol('CheckpointStore');
