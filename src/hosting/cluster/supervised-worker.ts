/**
 * The worker's side of a supervisor (WORKERS > 1): what it was handed at fork, and its end of
 * the IPC channel. A worker is otherwise a whole instance: its own pool, its own membership in
 * partition ownership, its own share of the requests on the shared port.
 */
import cluster from 'node:cluster';
import { MetricsCluster, MetricsJson } from '../../infrastructure/metrics/metrics-cluster';
import { FromSupervisor, FromWorker, HANDOFF_ENV, isOurs } from './protocol';

/** A scrape waits this long for the supervisor's merged answer before it fails (503). */
const METRICS_WAIT_MS = 5000;

export interface SupervisedWorker {
  worker: { index: number; of: number };
  /** The embedded PostgreSQL of the instance, or null (DATABASE_URL says where it is). */
  databaseUrl: string | null;
  simulatorUrl: string | null;
  poolSize: number;
  metrics: MetricsCluster;
  /** Tells the supervisor this worker listens (its start-up succeeded). */
  ready(): void;
  /** Closes the channel to the supervisor once the server has closed. */
  leave(): void;
}

const send = (message: FromWorker): void => {
  // The channel is gone once the supervisor has died; this worker then exits (node:cluster).
  if (process.connected) process.send?.(message);
};

const parseWorker = (raw: string): { index: number; of: number } => {
  const [index, of] = raw.split('/').map(Number);
  if (!Number.isInteger(index) || !Number.isInteger(of) || index < 1 || index > of)
    throw new Error(`${HANDOFF_ENV.worker} must be <index>/<of>, got "${raw}"`);
  return { index, of };
};

class SupervisorChannel implements MetricsCluster {
  private nextId = 1;
  private readonly waiting = new Map<number, (answer: FromSupervisor) => void>();
  private collect: (() => Promise<MetricsJson>) | null = null;

  constructor() {
    process.on('message', (message: unknown) => {
      if (!isOurs<FromSupervisor>(message)) return;
      if (message.baton === 'metrics-collect') this.answerCollect(message.id);
      else this.waiting.get(message.id)?.(message);
    });
  }

  contribute(collect: () => Promise<MetricsJson>): void {
    this.collect = collect;
  }

  render(): Promise<string> {
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error('the supervisor did not answer with the merged metrics'));
      }, METRICS_WAIT_MS);
      this.waiting.set(id, (answer) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        if (answer.baton === 'metrics-text') resolve(answer.text);
        else reject(new Error(answer.baton === 'metrics-failed' ? answer.reason : 'unexpected'));
      });
      send({ baton: 'metrics-request', id });
    });
  }

  private answerCollect(id: number): void {
    // A worker still starting (or one whose collect fails) stays silent: the supervisor stops
    // waiting for it and says how many workers the answer covers.
    this.collect?.().then(
      (metrics) => send({ baton: 'metrics-part', id, metrics }),
      () => undefined,
    );
  }
}

/** What the supervisor handed this process, or null when it is no supervised worker. */
export const supervisedWorker = (env: NodeJS.ProcessEnv = process.env): SupervisedWorker | null => {
  const raw = env[HANDOFF_ENV.worker];
  if (!cluster.isWorker || !raw) return null;
  const poolSize = Number(env[HANDOFF_ENV.poolSize]);
  if (!Number.isInteger(poolSize) || poolSize < 1)
    throw new Error(`${HANDOFF_ENV.poolSize} must be a positive integer`);
  return {
    worker: parseWorker(raw),
    databaseUrl: env[HANDOFF_ENV.databaseUrl] || null,
    simulatorUrl: env[HANDOFF_ENV.simulatorUrl] || null,
    poolSize,
    metrics: new SupervisorChannel(),
    ready: () => send({ baton: 'ready' }),
    leave: () => {
      if (process.connected) process.disconnect?.();
    },
  };
};
