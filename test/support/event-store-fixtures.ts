import {
  EventStore,
  NewEvent,
  RecordedEvent,
  Subscription,
} from '../../src/application/ports/event-store';
import { ConcurrencyError } from '../../src/application/ports/store-errors';

export const newEvent = (type = 'Happened', data: Record<string, unknown> = {}): NewEvent => ({
  type,
  data,
  metadata: {
    at: '2026-01-01T00:00:00.000Z',
    actor: 'test',
    correlationId: 'corr-1',
    causationId: null,
    schemaVersion: 1,
  },
});

export const events = (count: number, type = 'Happened'): NewEvent[] =>
  Array.from({ length: count }, (_, index) => newEvent(type, { index }));

/** Settles every promise and sorts the outcomes, so a test can count winners and losers. */
export async function outcomes<T>(attempts: Array<Promise<T>>) {
  const settled = await Promise.allSettled(attempts);
  return {
    fulfilled: settled.filter((s) => s.status === 'fulfilled'),
    rejected: settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : [])),
  };
}

export async function expectConflict(attempt: Promise<unknown>): Promise<ConcurrencyError> {
  const error = await attempt.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ConcurrencyError);
  return error as ConcurrencyError;
}

/**
 * Records what a subscription delivers and lets a test wait for a number of events without
 * sleeping in a loop.
 */
export class Collector {
  readonly batches: RecordedEvent[][] = [];
  private waiting: { count: number; resolve: () => void } | undefined;
  subscription!: Subscription;

  static follow(store: EventStore, after: number, onBatch?: () => Promise<void>): Collector {
    const collector = new Collector();
    collector.subscription = store.subscribeAll(after, async (batch) => {
      await onBatch?.();
      collector.batches.push(batch);
      collector.check();
    });
    return collector;
  }

  get events(): RecordedEvent[] {
    return this.batches.flat();
  }

  get positions(): number[] {
    return this.events.map((event) => event.position);
  }

  /** Resolves once `count` events have arrived; fails the test after `timeoutMs`. */
  until(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.events.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`got ${this.events.length} of ${count} events in ${timeoutMs}ms`)),
        timeoutMs,
      );
      this.waiting = {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }

  close(): Promise<void> {
    return this.subscription.close();
  }

  private check(): void {
    if (this.waiting !== undefined && this.events.length >= this.waiting.count) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve();
    }
  }
}

export const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, index) => from + index);

export const delay = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
