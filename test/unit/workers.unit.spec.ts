/**
 * WORKERS as configuration (how many, and how the pool budget is split), and the merge the
 * supervisor makes of its workers' metrics: what each worker counted adds up, what each read
 * from the same database at scrape time is not multiplied by the number of workers.
 */
import { AggregatorRegistry } from 'prom-client';
import { loadConfig } from '../../src/config';
import { PrometheusMetrics } from '../../src/infrastructure/metrics/prometheus-metrics';
import { poolSizeOfOneWorker, workersConfig } from '../../src/workers-config';
import { parseExposition, valueOf } from '../support/prometheus';

describe('WORKERS and PG_POOL_SIZE', () => {
  it('defaults to one process with the whole pool, as before', () => {
    const config = loadConfig({}, false);
    expect(config.workers).toBe(1);
    expect(config.pgPoolSize).toBe(20);
    expect(poolSizeOfOneWorker(config)).toBe(20);
  });

  it('splits the pool budget over the workers', () => {
    const config = workersConfig({ WORKERS: '3', PG_POOL_SIZE: '20' });
    expect(config.workers).toBe(3);
    expect(poolSizeOfOneWorker(config)).toBe(6);
  });

  it('takes one worker per CPU for auto, as far as the pool budget reaches', () => {
    expect(workersConfig({ WORKERS: 'auto' }, () => 2).workers).toBe(2);
    expect(workersConfig({ WORKERS: 'auto' }, () => 64).workers).toBe(5);
    expect(workersConfig({ WORKERS: 'auto', PG_POOL_SIZE: '64' }, () => 64).workers).toBe(16);
  });

  it('refuses what does not fit or is not a count, naming the variable', () => {
    expect(() => workersConfig({ WORKERS: '6' })).toThrow(
      /WORKERS=6 does not fit PG_POOL_SIZE=20.*raise PG_POOL_SIZE to 24/,
    );
    expect(() => workersConfig({ WORKERS: '0' })).toThrow(/WORKERS must be at least 1/);
    expect(() => workersConfig({ WORKERS: 'two' })).toThrow(/WORKERS must be a non-negative/);
    expect(() => workersConfig({ PG_POOL_SIZE: '0' })).toThrow(/PG_POOL_SIZE must be at least 1/);
  });
});

describe('metrics merged over workers', () => {
  const worker = (appends: number, storeUp: boolean) => {
    const metrics = new PrometheusMetrics({
      statusCounts: async () => {
        if (!storeUp) throw new Error('store unavailable');
        return { running: 3, completed: 7 };
      },
      lag: async () => ({
        head: 5000,
        projections: [
          {
            name: 'process-summaries',
            checkpoint: 4000,
            head: 5000,
            caughtUp: false,
            behindMs: 250,
          },
        ],
        runner: { name: 'runner', checkpoint: 5000, head: 5000, caughtUp: true, behindMs: 0 },
      }),
    });
    for (let i = 0; i < appends; i++) metrics.appendFinished('ok', 2);
    metrics.appendFinished('conflict', 4);
    return metrics;
  };

  it('adds up what each worker counted and keeps what they read from the database', async () => {
    const parts = await Promise.all([worker(2, true).collect(), worker(5, true).collect()]);
    const merged = parseExposition(await AggregatorRegistry.aggregate(parts).metrics());
    expect(valueOf(merged, 'baton_event_append_conflicts_total')).toBe(2);
    expect(valueOf(merged, 'baton_event_append_duration_seconds_count', { outcome: 'ok' })).toBe(7);
    expect(valueOf(merged, 'baton_processes', { status: 'completed' })).toBe(7);
    expect(valueOf(merged, 'baton_event_store_head_position')).toBe(5000);
    expect(
      valueOf(merged, 'baton_projection_lag_seconds', {
        projection: 'process-summaries',
        kind: 'projection',
      }),
    ).toBe(0.25);
    expect(valueOf(merged, 'baton_event_store_up')).toBe(1);
  });

  it('says the store is down when any worker could not read it', async () => {
    const parts = await Promise.all([worker(1, true).collect(), worker(1, false).collect()]);
    const merged = parseExposition(await AggregatorRegistry.aggregate(parts).metrics());
    expect(valueOf(merged, 'baton_event_store_up')).toBe(0);
  });
});
