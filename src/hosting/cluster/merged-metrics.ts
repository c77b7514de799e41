/**
 * /metrics of an instance with several workers: the worker a scrape reached asks the supervisor,
 * which collects every running worker's series, adds its own (workers running, replaced), merges
 * them with prom-client's aggregation (counters and histograms add up; each series says how it
 * merges, see prometheus-metrics.ts) and answers with the text.
 */
import cluster, { Worker } from 'node:cluster';
import { AggregatorRegistry, Counter, Gauge, Registry } from 'prom-client';
import { MetricsJson } from '../../infrastructure/metrics/metrics-cluster';
import { FromSupervisor, FromWorker, isOurs } from './protocol';
import { WorkerFleet } from './worker-fleet';

/** How long a collection waits for a worker (one that is stopping or stuck stays out). */
const COLLECT_WAIT_MS = 2000;

interface Collection {
  parts: MetricsJson[];
  pending: number;
  done(): void;
}

export class MergedMetrics {
  private readonly registry = new Registry();
  private readonly collections = new Map<number, Collection>();
  private nextId = 1;
  private readonly configured = new Gauge({
    name: 'baton_workers_configured',
    help: 'Worker processes this instance runs (WORKERS)',
    registers: [this.registry],
  });
  private readonly runningGauge = new Gauge({
    name: 'baton_workers_running',
    help: 'Workers listening right now (the others are being replaced)',
    registers: [this.registry],
  });
  private readonly merged = new Gauge({
    name: 'baton_workers_in_scrape',
    help: 'Workers whose series this answer adds up (a worker that did not answer in time is missing)',
    registers: [this.registry],
  });
  private readonly replaced = new Counter({
    name: 'baton_worker_replacements_total',
    help: 'Workers the supervisor started in place of one that died',
    registers: [this.registry],
  });

  constructor(private readonly fleet: WorkerFleet) {
    this.configured.set(fleet.size);
    cluster.on('message', (worker: Worker, message: unknown) => {
      if (!isOurs<FromWorker>(message)) return;
      if (message.baton === 'metrics-request') this.answer(worker, message.id);
      if (message.baton === 'metrics-part') {
        const collection = this.collections.get(message.id);
        if (!collection) return;
        collection.parts.push(message.metrics);
        if (--collection.pending === 0) collection.done();
      }
    });
  }

  private answer(asker: Worker, id: number): void {
    const reply = (message: FromSupervisor) => {
      if (asker.isConnected()) asker.send(message);
    };
    this.render().then(
      (text) => reply({ baton: 'metrics-text', id, text }),
      (error: Error) => reply({ baton: 'metrics-failed', id, reason: error.message }),
    );
  }

  async render(): Promise<string> {
    const parts = await this.collect();
    this.runningGauge.set(this.fleet.running().length);
    this.merged.set(parts.length);
    this.replaced.reset();
    this.replaced.inc(this.fleet.replacements);
    const own = await this.registry.getMetricsAsJSON();
    return AggregatorRegistry.aggregate([own, ...parts]).metrics();
  }

  private collect(): Promise<MetricsJson[]> {
    const workers = this.fleet.running();
    const id = this.nextId++;
    return new Promise((resolve) => {
      const collection: Collection = {
        parts: [],
        pending: workers.length,
        done: () => {
          clearTimeout(timer);
          this.collections.delete(id);
          resolve(collection.parts);
        },
      };
      const timer = setTimeout(() => collection.done(), COLLECT_WAIT_MS);
      this.collections.set(id, collection);
      if (workers.length === 0) collection.done();
      for (const worker of workers) worker.send({ baton: 'metrics-collect', id } as FromSupervisor);
    });
  }
}
