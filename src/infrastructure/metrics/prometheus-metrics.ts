/**
 * The metrics port as Prometheus metrics (prom-client), one registry per app so several apps in
 * one process (tests) never share counters. Hot-path calls only bump in-memory series; what needs
 * the database (processes per status, projection lag) is read when /metrics is scraped.
 * Several workers of one instance add their series together (metrics-cluster.ts); the figures
 * read from the database are the same in each, so those take the highest (or, for checkpoints
 * and the store being up, the lowest) rather than a sum.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  AppendOutcome,
  CallbackOutcome,
  Metrics,
  StepTiming,
} from '../../application/ports/metrics';
import { LagReport } from '../../application/health/subscriber-lag';
import { PROCESS_STATUSES, ProcessStatus } from '../../domain/process/state';
import { MetricsJson } from './metrics-cluster';

/** What a scrape reads from the stores. */
export interface ScrapeSources {
  statusCounts(): Promise<Partial<Record<ProcessStatus, number>>>;
  lag(): Promise<LagReport>;
}

const APPEND_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const STEP_BUCKETS = [0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;

  private readonly appendDuration = new Histogram({
    name: 'baton_event_append_duration_seconds',
    help: 'Time to append a decision to a process stream, by outcome (ok, conflict, error)',
    labelNames: ['outcome'],
    buckets: APPEND_BUCKETS,
    registers: [this.registry],
  });
  private readonly appendConflicts = new Counter({
    name: 'baton_event_append_conflicts_total',
    help: 'Appends refused because the stream had moved on (expected revision did not hold)',
    registers: [this.registry],
  });
  private readonly stepDuration = new Histogram({
    name: 'baton_step_duration_seconds',
    help: 'Time workflow code ran, by workflow, step, kind (step, callback_action, callback_validation) and outcome',
    labelNames: ['workflow', 'step', 'kind', 'outcome'],
    buckets: STEP_BUCKETS,
    registers: [this.registry],
  });
  private readonly callbacks = new Counter({
    name: 'baton_callbacks_total',
    help: 'Callback tokens by outcome (issued, received, duplicate, rejected, expired, revoked) and reason',
    labelNames: ['outcome', 'reason'],
    registers: [this.registry],
  });
  private readonly takeovers = new Counter({
    name: 'baton_ownership_takeovers_total',
    help: 'Partitions this instance took over after its start-up round (from an instance that died, stopped or rebalanced)',
    registers: [this.registry],
  });
  private readonly baseRaises = new Counter({
    name: 'baton_position_base_raises_total',
    help: 'Times this instance found stored positions ahead of new ones at start-up (a logical restore) and raised the position base',
    registers: [this.registry],
  });
  private readonly processes = new Gauge({
    name: 'baton_processes',
    help: 'Processes by status, from the process list read model (read at scrape time)',
    labelNames: ['status'],
    registers: [this.registry],
    aggregator: 'max',
  });
  private readonly lagSeconds = new Gauge({
    name: 'baton_projection_lag_seconds',
    help: 'Age of the oldest event a follower (projection or runner) has not applied yet; 0 when caught up',
    labelNames: ['projection', 'kind'],
    registers: [this.registry],
    aggregator: 'max',
  });
  private readonly checkpoint = new Gauge({
    name: 'baton_projection_checkpoint_position',
    help: 'Global position of the last event a follower has applied',
    labelNames: ['projection', 'kind'],
    registers: [this.registry],
    aggregator: 'min',
  });
  private readonly head = new Gauge({
    name: 'baton_event_store_head_position',
    help: 'Global position of the last event a follower can read',
    registers: [this.registry],
    aggregator: 'max',
  });
  private readonly storeUp = new Gauge({
    name: 'baton_event_store_up',
    help: '1 when the last scrape could read the store, 0 when it could not (store-derived gauges are then absent)',
    registers: [this.registry],
    aggregator: 'min',
  });

  constructor(private readonly sources: ScrapeSources) {
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * The labelled children of the hot-path histograms, by their label values: prom-client's
   * `labels()` validates and hashes the labels on every call (about half a per cent of the
   * server's CPU under the bench, one call per append and per step).
   */
  private readonly appendChildren = new Map<string, { observe(value: number): void }>();
  private readonly stepChildren = new Map<string, { observe(value: number): void }>();

  appendFinished(outcome: AppendOutcome, durationMs: number): void {
    let child = this.appendChildren.get(outcome);
    if (child === undefined)
      this.appendChildren.set(outcome, (child = this.appendDuration.labels(outcome)));
    child.observe(durationMs / 1000);
    if (outcome === 'conflict') this.appendConflicts.inc();
  }

  stepFinished({ workflow, step, kind, outcome, durationMs }: StepTiming): void {
    const key = JSON.stringify([workflow, step, kind, outcome]);
    let child = this.stepChildren.get(key);
    if (child === undefined)
      this.stepChildren.set(key, (child = this.stepDuration.labels(workflow, step, kind, outcome)));
    child.observe(durationMs / 1000);
  }

  callback(outcome: CallbackOutcome, reason = ''): void {
    this.callbacks.labels(outcome, reason).inc();
  }

  ownershipTakeover(count = 1): void {
    this.takeovers.inc(count);
  }

  positionBaseRaised(): void {
    this.baseRaises.inc();
  }

  /** Every series as data, after reading what the stores say now (for merging over workers). */
  async collect(): Promise<MetricsJson> {
    await this.refreshFromStores();
    return this.registry.getMetricsAsJSON();
  }

  /** The exposition text, after reading what the stores say now. */
  async render(): Promise<string> {
    await this.refreshFromStores();
    return this.registry.metrics();
  }

  private async refreshFromStores(): Promise<void> {
    try {
      const [counts, lag] = await Promise.all([this.sources.statusCounts(), this.sources.lag()]);
      // Every status, zeros included: a series that vanishes reads as "no data", not as 0.
      for (const status of PROCESS_STATUSES) this.processes.labels(status).set(counts[status] ?? 0);
      this.head.set(lag.head);
      this.lagSeconds.reset();
      this.checkpoint.reset();
      const followers = [
        ...lag.projections.map((f) => ({ ...f, kind: 'projection' })),
        { ...lag.runner, kind: 'runner' },
      ];
      for (const f of followers) {
        this.lagSeconds.labels(f.name, f.kind).set(f.behindMs / 1000);
        this.checkpoint.labels(f.name, f.kind).set(f.checkpoint);
      }
      this.storeUp.set(1);
    } catch {
      // Stale figures would look healthy: drop them and say the store could not be read.
      for (const gauge of [this.processes, this.lagSeconds, this.checkpoint, this.head])
        gauge.reset();
      this.storeUp.set(0);
    }
  }
}
