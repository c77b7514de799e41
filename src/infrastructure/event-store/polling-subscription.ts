import {
  RecordedEvent,
  Subscription,
  SubscriptionHandler,
} from '../../application/ports/event-store';
import { ChangeSignal, sleep } from './change-signal';
import { assertReadAllOptions } from './expected-revision';

export interface FollowPage {
  events: RecordedEvent[];
  /**
   * Later events are committed but not readable yet (a transaction still in flight holds them
   * back). The follower looks again shortly instead of waiting for a notification, which the
   * transaction holding them back may never send.
   */
  heldBack: boolean;
}

export interface SubscriptionSource {
  readPage(after: number, limit: number): Promise<FollowPage>;
  readonly changes: ChangeSignal;
}

/** First and last pause before looking again at events held back by a running transaction. */
const HELD_BACK_FIRST_MS = 1;
const HELD_BACK_MAX_MS = 50;
/** Held back this long, something outside Baton is holding a transaction open: say so. */
const HELD_BACK_WARN_MS = 10_000;

export interface SubscriptionOptions {
  batchSize: number;
  /** Re-read this often even without a wake-up; undefined when wake-ups cannot be lost. */
  idlePollMs?: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Told about every failed read or handler call; the loop itself then retries. */
  onError: (error: unknown) => void;
  /** See SubscribeOptions.minIntervalMs. */
  minIntervalMs?: number;
}

/**
 * Follows the global order by reading `position > last delivered`. That is the whole trick:
 * it is only correct because each store's reads never show a position while a smaller one can
 * still appear (see pg-event-sql.ts), so a read can never see position N+1 before N.
 *
 * A handler failure redelivers the same batch after a back-off (at-least-once), since skipping
 * it would silently lose an event for a projection or the runner; handlers must be idempotent.
 */
export class PollingSubscription implements Subscription {
  private readonly abort = new AbortController();
  private readonly finished: Promise<void>;

  constructor(
    private readonly source: SubscriptionSource,
    after: number,
    private readonly handler: SubscriptionHandler,
    private readonly options: SubscriptionOptions,
    private readonly onClosed: (subscription: PollingSubscription) => Promise<void> | void = () =>
      undefined,
  ) {
    // A bad starting point is the caller's bug: say so now, not through the retry loop forever.
    assertReadAllOptions(after, options.batchSize);
    this.finished = this.run(after);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.finished;
  }

  private async run(after: number): Promise<void> {
    const { batchSize, idlePollMs } = this.options;
    const stop = this.abort.signal;
    let position = after;
    let failures = 0;
    let heldBackPause = HELD_BACK_FIRST_MS;
    let lastReadAt = 0;
    let catchingUp = true;
    let heldBackSince: number | undefined;
    let warnedAt = 0;
    while (!stop.aborted) {
      const seen = this.source.changes.current;
      try {
        const pause = catchingUp ? 0 : lastReadAt + (this.options.minIntervalMs ?? 0) - Date.now();
        if (pause > 0) await sleep(pause, stop);
        lastReadAt = Date.now();
        const { events: batch, heldBack } = await this.source.readPage(position, batchSize);
        if (stop.aborted) break;
        catchingUp = batch.length === batchSize;
        if (batch.length > 0) {
          await this.handler(batch);
          failures = 0; // only once handled: a handler that keeps failing keeps backing off
          position = batch[batch.length - 1].position;
          heldBackPause = HELD_BACK_FIRST_MS;
          heldBackSince = undefined;
          continue;
        }
        failures = 0;
        if (heldBack) {
          heldBackSince ??= Date.now();
          if (Date.now() - heldBackSince > HELD_BACK_WARN_MS && Date.now() - warnedAt > 60_000) {
            warnedAt = Date.now();
            this.report(
              new Error(
                `events held back for ${Math.round((Date.now() - heldBackSince) / 1000)} s by a transaction still running in the PostgreSQL cluster (a long or idle-in-transaction session?); nothing is lost, but nothing moves until it ends`,
              ),
            );
          }
          await sleep(heldBackPause, stop);
          heldBackPause = Math.min(heldBackPause * 2, HELD_BACK_MAX_MS);
          continue;
        }
        heldBackPause = HELD_BACK_FIRST_MS;
        heldBackSince = undefined;
        await this.source.changes.wait(seen, idlePollMs, stop);
      } catch (error) {
        failures += 1;
        this.report(error);
        await sleep(this.backoff(failures), stop);
      }
    }
    try {
      await this.onClosed(this);
    } catch (error) {
      this.report(error);
    }
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
