/** Durable positions of subscribers (runner, projections), so a restart resumes, not restarts. */
export interface CheckpointStore {
  load(name: string): Promise<number>;
  save(name: string, position: number): Promise<void>;
}

export const CHECKPOINT_STORE = Symbol('CheckpointStore');
