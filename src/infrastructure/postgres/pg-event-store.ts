import { randomUUID } from 'crypto';
import { Pool, PoolClient } from 'pg';
import {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
  Subscription,
  SubscriptionHandler,
} from '../../application/ports/event-store';
import { ConcurrencyError } from '../../application/ports/store-errors';
import {
  assertAppendArguments,
  assertExpectedRevision,
  assertReadAllOptions,
} from '../event-store/expected-revision';
import { PollingSubscription } from '../event-store/polling-subscription';
import { PgChangeFeed } from './pg-change-feed';
import {
  currentRevision,
  EVENT_COLUMNS,
  EventRow,
  insertEvents,
  toRecordedEvent,
} from './pg-event-rows';
import { inTransaction, withClient } from './pg-client';
import { isUniqueViolation, toStoreError } from './pg-errors';

/** NOTIFY channel that wakes subscribers, in this process and in any other. */
export const EVENTS_CHANNEL = 'baton_events';

export interface PgEventStoreOptions {
  /** Fallback re-read interval for idle subscribers, in case a notification is lost. */
  idlePollMs?: number;
  batchSize?: number;
  /** Cap of the doubling back-off a subscription uses after a failed read or handler. */
  maxBackoffMs?: number;
  onSubscriptionError?: (error: unknown) => void;
}

/**
 * Event store over the `events` table (see migrations.ts).
 *
 * The pool belongs to the caller, who also handles its 'error' event: close() stops this store's
 * subscriptions and its LISTEN connection but never ends the pool, because other stores
 * (checkpoints, read models) usually share it and the owner decides when it is finished.
 */
export class PgEventStore implements EventStore {
  private readonly feed: PgChangeFeed;
  private readonly subscriptions = new Set<PollingSubscription>();
  private readonly onSubscriptionError: (error: unknown) => void;

  constructor(
    private readonly pool: Pool,
    private readonly options: PgEventStoreOptions = {},
  ) {
    this.onSubscriptionError = options.onSubscriptionError ?? defaultOnError;
    this.feed = new PgChangeFeed(pool, EVENTS_CHANNEL, this.onSubscriptionError);
  }

  async append(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    assertAppendArguments(streamId, events.length, expected);
    try {
      const result = await withClient(this.pool, (client) =>
        inTransaction(client, () => this.appendInTransaction(client, streamId, events, expected)),
      );
      this.feed.changes.notify(); // local subscribers need not wait for the NOTIFY round trip
      return result;
    } catch (error) {
      if (isUniqueViolation(error, 'events_stream_revision_key')) {
        throw new ConcurrencyError(streamId, String(expected), 'changed concurrently');
      }
      throw toStoreError(error, `appending to ${streamId}`);
    }
  }

  /**
   * Why a subscriber following `position > checkpoint` never skips an event:
   * positions come from the single `events_head` row, and the UPDATE below holds that row's
   * lock until COMMIT or ROLLBACK. The next appender cannot get its positions before this
   * transaction has finished, so positions are handed out in commit order and the table never
   * shows N+1 while N is still invisible. With a sequence instead, a transaction could take 5,
   * commit after the one that took 6, and a subscriber that already moved past 6 would never
   * see 5. A rollback also rolls the head back, which keeps positions gapless.
   *
   * The price is that appends commit one at a time, which is fine for an orchestrator's rate.
   */
  private async appendInTransaction(
    client: PoolClient,
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    // Fail fast, before queueing on the global lock: most conflicts are already visible.
    assertExpectedRevision(streamId, expected, await currentRevision(client, streamId));

    const head = await client.query<{ position: string }>(
      'UPDATE events_head SET position = position + $1 RETURNING position',
      [events.length],
    );
    const lastPosition = Number(head.rows[0].position);
    const firstPosition = lastPosition - events.length + 1;

    // Check again under the lock: every earlier appender has finished, and in READ COMMITTED
    // this statement sees their commits, so this answer is final (and `any` needs the real
    // revision to number its events). The unique constraint stays as the last line of defence.
    const current = await currentRevision(client, streamId);
    assertExpectedRevision(streamId, expected, current);

    const insert = insertEvents(streamId, events, firstPosition, current + 1, randomUUID);
    await client.query(insert.sql, insert.params);
    // Delivered only if and when the transaction commits, so nobody is woken for a rollback.
    await client.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, String(lastPosition)]);

    return { nextRevision: current + events.length, lastPosition };
  }

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    return this.select(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY revision`,
      [streamId],
      `reading stream ${streamId}`,
    );
  }

  async readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    assertReadAllOptions(after, limit);
    return this.select(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2`,
      [after, limit],
      'reading all events',
    );
  }

  async headPosition(): Promise<number> {
    try {
      const result = await this.pool.query<{ position: string }>(
        'SELECT position FROM events_head',
      );
      return Number(result.rows[0]?.position ?? 0);
    } catch (error) {
      throw toStoreError(error, 'reading the head position');
    }
  }

  subscribeAll(after: number, handler: SubscriptionHandler): Subscription {
    const source = {
      changes: this.feed.changes,
      readAll: (options: ReadAllOptions) => {
        this.feed.ensureListening();
        return this.readAll(options);
      },
    };
    const subscription = new PollingSubscription(
      source,
      after,
      handler,
      {
        batchSize: this.options.batchSize ?? 500,
        idlePollMs: this.options.idlePollMs ?? 1000,
        initialBackoffMs: 100,
        maxBackoffMs: this.options.maxBackoffMs ?? 10_000,
        onError: this.onSubscriptionError,
      },
      (closed) => {
        this.subscriptions.delete(closed);
        return this.feed.release();
      },
    );
    this.subscriptions.add(subscription);
    this.feed.retain(); // only now: the constructor throws on a bad `after`
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
  }

  private async select(sql: string, params: unknown[], doing: string): Promise<RecordedEvent[]> {
    try {
      const result = await this.pool.query<EventRow>(sql, params);
      return result.rows.map(toRecordedEvent);
    } catch (error) {
      throw toStoreError(error, doing);
    }
  }
}

function defaultOnError(error: unknown): void {
  console.error('PgEventStore subscription failed; retrying with back-off', error);
}
