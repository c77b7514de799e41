/**
 * What a supervisor and its workers tell each other: over the environment at fork (the shared
 * services a worker must use instead of starting its own), and over node:cluster's IPC channel
 * afterwards (readiness, metrics). These variables are the supervisor's hand-over, not
 * configuration: docs/configuration.md does not list them and nobody sets them by hand.
 */
import { MetricsJson } from '../../infrastructure/metrics/metrics-cluster';

export const HANDOFF_ENV = {
  /** `<index>/<of>`, 1-based: which worker this is. */
  worker: 'BATON_WORKER',
  /** The embedded PostgreSQL the supervisor started (unset with DATABASE_URL). */
  databaseUrl: 'BATON_WORKER_DATABASE_URL',
  /** The bundled LSO simulator the supervisor started (unset when it runs none). */
  simulatorUrl: 'BATON_WORKER_SIMULATOR_URL',
  /** Connections of this worker's pool: its share of PG_POOL_SIZE. */
  poolSize: 'BATON_WORKER_POOL_SIZE',
} as const;

/** Worker → supervisor. */
export type FromWorker =
  | { baton: 'ready' }
  | { baton: 'metrics-request'; id: number }
  | { baton: 'metrics-part'; id: number; metrics: MetricsJson };

/** Supervisor → worker. */
export type FromSupervisor =
  | { baton: 'metrics-collect'; id: number }
  | { baton: 'metrics-text'; id: number; text: string }
  | { baton: 'metrics-failed'; id: number; reason: string };

const KINDS = new Set([
  'ready',
  'metrics-request',
  'metrics-part',
  'metrics-collect',
  'metrics-text',
  'metrics-failed',
]);

/** Other libraries (and node:cluster itself) use the same channel: only ours are ours. */
export const isOurs = <T extends FromWorker | FromSupervisor>(message: unknown): message is T =>
  typeof message === 'object' &&
  message !== null &&
  KINDS.has((message as { baton?: unknown }).baton as string);
