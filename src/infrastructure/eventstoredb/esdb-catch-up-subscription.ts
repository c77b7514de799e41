/**
 * Follows Baton's events in EventStoreDB with its own catch-up subscription (history from the
 * checkpoint, then live), and gives the port's guarantees on top of it:
 *
 * - batches: what the server has already sent is handed over together (up to `batchSize`), so
 *   a projection writes once per batch, not once per event; nothing more is pulled from the
 *   server while the handler works, so a long history is not buffered in memory;
 * - at least once: a failed handler gets the same batch again after a back-off;
 * - reconnect: when the subscription breaks (server down, leader change, deadline), it is
 *   opened again from the last position the handler finished, after a doubling back-off
 *   capped at `maxBackoffMs`; each attempt is reported;
 * - close() stops it and waits for the handler in flight.
 */
import {
  RecordedEvent,
  Subscription,
  SubscriptionHandler,
} from '../../application/ports/event-store';
import { sleep } from '../event-store/change-signal';

/** One opened server subscription, yielding events with position > the `after` it was opened at. */
export interface LiveFeed {
  /** Rejects when the server subscription breaks. */
  next(): Promise<IteratorResult<RecordedEvent>>;
  close(): Promise<void>;
}

export interface CatchUpOptions {
  batchSize: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Once caught up, hand over batches at most this often (SubscribeOptions.minIntervalMs). */
  minIntervalMs?: number;
  /** Told about every broken subscription and failed handler; the loop itself goes on. */
  onError: (error: unknown) => void;
  /** How to wait; tests record the back-off instead of sleeping. */
  wait?: (ms: number, abort: AbortSignal) => Promise<void>;
}

const STOPPED = Symbol('stopped');
const NOTHING_BUFFERED = Symbol('nothing buffered');

export class EsdbCatchUpSubscription implements Subscription {
  private readonly abort = new AbortController();
  private readonly stopped: Promise<typeof STOPPED>;
  private readonly finished: Promise<void>;
  private readonly wait: (ms: number, abort: AbortSignal) => Promise<void>;
  private lastHandoverAt = 0;

  constructor(
    private readonly open: (after: number) => LiveFeed,
    after: number,
    private readonly handler: SubscriptionHandler,
    private readonly options: CatchUpOptions,
    private readonly onClosed: () => void = () => undefined,
  ) {
    this.wait = options.wait ?? sleep;
    this.stopped = new Promise((resolve) =>
      this.abort.signal.addEventListener('abort', () => resolve(STOPPED), { once: true }),
    );
    this.finished = this.run(after);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.finished;
  }

  private async run(after: number): Promise<void> {
    let position = after;
    let failures = 0;
    while (!this.abort.signal.aborted) {
      let feed: LiveFeed | undefined;
      try {
        feed = this.open(position);
        const pulls = new Pulls(feed);
        for (;;) {
          const batch = await this.nextBatch(pulls);
          if (batch === undefined || !(await this.handOver(batch))) break; // closed
          position = batch[batch.length - 1].position;
          failures = 0;
        }
      } catch (error) {
        failures += 1;
        this.report(error);
        await this.wait(this.backoff(failures), this.abort.signal);
      } finally {
        await feed?.close().catch((error: unknown) => this.report(error));
      }
    }
    this.onClosed();
  }

  /** Waits for one event, then takes what has already arrived. Undefined once closed. */
  private async nextBatch(pulls: Pulls): Promise<RecordedEvent[] | undefined> {
    const first = await Promise.race([pulls.peek(), this.stopped]);
    if (first === STOPPED) return undefined;
    if (first.done) throw new Error('EventStoreDB ended the subscription');
    pulls.take();
    const batch = [first.value];
    while (batch.length < this.options.batchSize) {
      // A break right behind some events must not cost those events: they are handed over
      // first, and the failed pull, still pending, breaks the next batch instead.
      const ready = await Promise.race([pulls.peek(), nextTurn()]).catch(
        (): typeof NOTHING_BUFFERED => NOTHING_BUFFERED,
      );
      if (ready === NOTHING_BUFFERED || ready.done) break; // both stay for the next batch
      pulls.take();
      batch.push(ready.value);
    }
    return batch;
  }

  /** Calls the handler until it succeeds; false if closed meanwhile. */
  private async handOver(batch: RecordedEvent[]): Promise<boolean> {
    const { minIntervalMs = 0, batchSize } = this.options;
    const pause = batch.length < batchSize ? this.lastHandoverAt + minIntervalMs - Date.now() : 0;
    if (pause > 0) await this.wait(pause, this.abort.signal);
    for (let failures = 1; !this.abort.signal.aborted; failures++) {
      try {
        this.lastHandoverAt = Date.now();
        await this.handler(batch);
        return true;
      } catch (error) {
        this.report(error);
        await this.wait(this.backoff(failures), this.abort.signal);
      }
    }
    return false;
  }

  private backoff(failures: number): number {
    const { initialBackoffMs, maxBackoffMs } = this.options;
    return Math.min(maxBackoffMs, initialBackoffMs * 2 ** Math.min(failures - 1, 20));
  }

  private report(error: unknown): void {
    try {
      this.options.onError(error);
    } catch {
      // A broken error reporter must not kill the loop that it reports on.
    }
  }
}

/** At most one pull outstanding on a feed: an event that was not taken yet is never lost. */
class Pulls {
  private pending: Promise<IteratorResult<RecordedEvent>> | undefined;

  constructor(private readonly feed: LiveFeed) {}

  peek(): Promise<IteratorResult<RecordedEvent>> {
    if (this.pending === undefined) {
      this.pending = this.feed.next();
      this.pending.catch(() => undefined); // seen by whoever awaits it; never unhandled
    }
    return this.pending;
  }

  take(): void {
    this.pending = undefined;
  }
}

/** Resolves after the events already received have had their turn to resolve their pulls. */
const nextTurn = (): Promise<typeof NOTHING_BUFFERED> =>
  new Promise((resolve) => setImmediate(() => resolve(NOTHING_BUFFERED)));
