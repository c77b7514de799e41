/**
 * How many Node processes one instance runs (WORKERS) and how many PostgreSQL connections they
 * share (PG_POOL_SIZE), read by loadConfig with the rest of the environment. Kept apart so
 * config.ts stays readable; see docs/several-instances.md, "Workers".
 */
import { availableParallelism } from 'node:os';
import { positive } from './config';

export interface WorkersConfig {
  /** Worker processes of this instance; 1 = no supervisor, the service runs in this process. */
  workers: number;
  /** PostgreSQL connections of the instance's pools together (each worker gets its share). */
  pgPoolSize: number;
}

/**
 * A worker's pool keeps one connection for LISTEN (the change feed) and needs a few more for
 * requests, the runner and the projections at once; fewer than this starves it.
 */
export const MIN_WORKER_POOL = 4;

export const workersConfig = (
  env: NodeJS.ProcessEnv,
  cpus: () => number = availableParallelism,
): WorkersConfig => {
  const pgPoolSize = positive(env, 'PG_POOL_SIZE', 20);
  const fit = Math.max(1, Math.floor(pgPoolSize / MIN_WORKER_POOL));
  const raw = env.WORKERS?.trim();
  // `auto`: one per CPU, as far as the pool budget reaches (a large machine would otherwise
  // open more connections than the budget the operator set).
  if (raw === 'auto') return { workers: Math.max(1, Math.min(cpus(), fit)), pgPoolSize };
  const workers = positive(env, 'WORKERS', 1);
  if (workers > 1 && workers > fit)
    throw new Error(
      `WORKERS=${workers} does not fit PG_POOL_SIZE=${pgPoolSize}: each worker needs at least ` +
        `${MIN_WORKER_POOL} connections; raise PG_POOL_SIZE to ${workers * MIN_WORKER_POOL} or lower WORKERS`,
    );
  return { workers, pgPoolSize };
};

/** The pool of one process: the instance's budget split evenly over its workers. */
export const poolSizeOfOneWorker = (config: WorkersConfig): number =>
  Math.floor(config.pgPoolSize / config.workers);
