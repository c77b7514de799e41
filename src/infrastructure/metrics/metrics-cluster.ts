/**
 * The worker processes of one instance (WORKERS > 1) share one listening port, so a scrape of
 * /metrics reaches any one of them. Answering with that worker's series alone would make every
 * counter jump between scrapes; the answer is instead every worker's series added together (the
 * supervisor collects and merges them, see hosting/cluster/).
 */
import { MetricObjectWithValues, MetricValue } from 'prom-client';

export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

export interface MetricsCluster {
  /** How this worker's own series are read when the supervisor collects. */
  contribute(collect: () => Promise<MetricsJson>): void;
  /** The exposition text of every worker of the instance together. */
  render(): Promise<string>;
}

/** Provider token: the cluster, or null when this process is the whole instance. */
export const METRICS_CLUSTER = Symbol('MetricsCluster');
