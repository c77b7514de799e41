/**
 * What an append to a process stream tells the metrics port: how long it took and how it ended
 * (a conflict and an outage are counted apart), and the callback outcomes its events record.
 */
import { ProcessEvent } from '../../domain/process/events';
import { countCallbackEvents } from '../observability/callback-metrics';
import { Metrics } from '../ports/metrics';
import { ConcurrencyError } from '../ports/store-errors';

export class AppendMetrics {
  constructor(private readonly metrics: Metrics) {}

  /** Runs the append and records its duration and outcome; its result or error passes through. */
  async timed<T>(append: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await append();
      this.metrics.appendFinished('ok', performance.now() - started);
      return result;
    } catch (error) {
      const outcome = error instanceof ConcurrencyError ? 'conflict' : 'error';
      this.metrics.appendFinished(outcome, performance.now() - started);
      throw error;
    }
  }

  /** Counts the callback outcomes among events the store accepted. */
  written(events: readonly ProcessEvent[]): void {
    countCallbackEvents(this.metrics, events);
  }
}
