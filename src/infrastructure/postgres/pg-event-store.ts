import { randomUUID } from 'crypto';
import { Pool } from 'pg';
import {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionHandler,
} from '../../application/ports/event-store';
import { ConcurrencyError, FencedOutError } from '../../application/ports/store-errors';
import { currentFence } from '../../application/ownership/write-fence';
import {
  assertAppendArguments,
  assertFromRevision,
  assertReadAllOptions,
  describeRevision,
} from '../event-store/expected-revision';
import { FollowPage, PollingSubscription } from '../event-store/polling-subscription';
import { SharedPageReads } from '../event-store/shared-page-reads';
import { PgAppendBatcher } from './pg-append-batcher';
import { PgChangeFeed } from './pg-change-feed';
import {
  EXPECT_ANY,
  EXPECT_NO_STREAM,
  FOLLOW_CORE_SQL,
  FOLLOW_SQL,
  HEAD_POSITION_SQL,
  READ_STREAM_SQL,
} from './pg-event-sql';
import {
  CoreEventRow,
  EventRow,
  coreToRecordedEvent,
  recordedFromAppend,
  serialiseForAppend,
  toPosition,
  toRecordedEvent,
} from './pg-event-rows';
import { query } from './pg-client';
import { isSerializationConflict, isUniqueViolation, toStoreError } from './pg-errors';
import { PgNotifier } from './pg-notifier';

/** NOTIFY channel that wakes subscribers in other processes. */
export const EVENTS_CHANNEL = 'baton_events';

/** `any` appends that collide with a concurrent writer simply go again, a few times at most. */
const ANY_APPEND_ATTEMPTS = 5;

export interface PgEventStoreOptions {
  /** Fallback re-read interval for idle subscribers, in case a notification is lost. */
  idlePollMs?: number;
  batchSize?: number;
  /** Cap of the doubling back-off a subscription uses after a failed read or handler. */
  maxBackoffMs?: number;
  onSubscriptionError?: (error: unknown) => void;
}

/**
 * Event store over the `events` table (migrations 1 and 2). An append is one statement in its
 * own transaction, shared with whatever other appends are waiting (PgAppendBatcher); no lock
 * shared by all writers exists (see pg-event-sql.ts for how followers
 * still never skip an event committed late).
 *
 * The pool belongs to the caller, who also handles its 'error' event: close() stops this store's
 * subscriptions and its LISTEN connection but never ends the pool, because other stores
 * (checkpoints, read models) usually share it and the owner decides when it is finished.
 */
export class PgEventStore implements EventStore {
  private readonly feed: PgChangeFeed;
  private readonly notifier: PgNotifier;
  private readonly batcher: PgAppendBatcher;
  private readonly subscriptions = new Set<PollingSubscription>();
  private readonly onSubscriptionError: (error: unknown) => void;
  /** Followers woken together share one read of the same page (one statement, not five). */
  private readonly pages: SharedPageReads;

  constructor(
    private readonly pool: Pool,
    private readonly options: PgEventStoreOptions = {},
  ) {
    this.onSubscriptionError = options.onSubscriptionError ?? defaultOnError;
    this.feed = new PgChangeFeed(pool, EVENTS_CHANNEL, this.onSubscriptionError);
    this.notifier = new PgNotifier(pool, EVENTS_CHANNEL);
    this.batcher = new PgAppendBatcher(pool);
    this.pages = new SharedPageReads(this.feed.changes, (after, limit) =>
      this.follow(after, limit),
    );
  }

  async append(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    assertAppendArguments(streamId, events.length, expected);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.appendOnce(streamId, events, expected, options);
        this.feed.changes.notify(); // local subscribers need no round trip through the server
        this.notifier.poke(); // other processes' subscribers, coalesced
        return result;
      } catch (error) {
        // A concurrent writer took the same revision between our check and our insert, or (with
        // a stricter isolation level forced on the server) the transaction lost a race.
        if (
          isUniqueViolation(error, 'events_stream_revision_key') ||
          isSerializationConflict(error)
        ) {
          if (expected === 'any' && attempt < ANY_APPEND_ATTEMPTS) continue;
          throw new ConcurrencyError(streamId, String(expected), 'changed concurrently');
        }
        throw toStoreError(error, `appending to ${streamId}`, true);
      }
    }
  }

  private async appendOnce(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
    { timer, fence = currentFence() }: AppendOptions,
  ): Promise<AppendResult> {
    const { json, ids } = serialiseForAppend(events, randomUUID);
    const expectation =
      expected === 'any' ? EXPECT_ANY : expected === 'no_stream' ? EXPECT_NO_STREAM : expected;
    const timerJson = timer && JSON.stringify({ d: timer.dueAt, k: timer.shard });
    const fenceJson = fence && JSON.stringify({ n: fence.name, v: fence.epoch });
    const outcome = await this.batcher.submit(
      streamId,
      expectation,
      events.length,
      json,
      timerJson,
      fenceJson,
    );
    if (!outcome.written && outcome.fenced) throw new FencedOutError(fence!.name);
    if (!outcome.written) {
      throw new ConcurrencyError(streamId, String(expected), describeRevision(outcome.previous));
    }
    const { lastRevision, lastPosition } = outcome;
    return {
      nextRevision: lastRevision,
      lastPosition,
      recorded: recordedFromAppend(streamId, events, ids, lastRevision, lastPosition),
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertFromRevision(options.fromRevision);
    return this.select(
      'baton_read_stream',
      READ_STREAM_SQL,
      [streamId, options.fromRevision ?? 0],
      `reading stream ${streamId}`,
    );
  }

  async readAll({ after, limit, metadata }: ReadAllOptions): Promise<RecordedEvent[]> {
    assertReadAllOptions(after, limit);
    if (metadata === 'core') return this.followCore(after, limit);
    return (await this.follow(after, limit, 'reading all events')).events;
  }

  async headPosition(): Promise<number> {
    try {
      const result = await this.pool.query<{ position: string }>(HEAD_POSITION_SQL);
      return result.rows.length === 0 ? 0 : toPosition(result.rows[0].position);
    } catch (error) {
      throw toStoreError(error, 'reading the head position');
    }
  }

  subscribeAll(
    after: number,
    handler: SubscriptionHandler,
    options: SubscribeOptions = {},
  ): Subscription {
    const source = {
      changes: this.feed.changes,
      readPage: (from: number, limit: number) => {
        this.feed.ensureListening();
        return this.pages.readPage(from, limit);
      },
    };
    const subscription = new PollingSubscription(
      source,
      after,
      handler,
      {
        batchSize: options.batchSize ?? this.options.batchSize ?? 500,
        idlePollMs: this.options.idlePollMs ?? 1000,
        initialBackoffMs: 100,
        maxBackoffMs: this.options.maxBackoffMs ?? 10_000,
        onError: this.onSubscriptionError,
        minIntervalMs: options.minIntervalMs,
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
    await this.notifier.close();
  }

  /** A page of the global order, and whether later events are held back (see FOLLOW_SQL). */
  private async follow(
    after: number,
    limit: number,
    doing = 'following all events',
  ): Promise<FollowPage> {
    try {
      const { rows } = await query<EventRow & { newest: string | null }>(this.pool, {
        name: 'baton_follow',
        text: FOLLOW_SQL,
        values: [after, limit],
      });
      const events = rows.filter((row) => row.position !== null).map(toRecordedEvent);
      const newest = rows[0]?.newest === null ? 0 : toPosition(rows[0].newest);
      const reached = events.length > 0 ? events[events.length - 1].position : after;
      return { events, heldBack: events.length < limit && newest > reached };
    } catch (error) {
      throw toStoreError(error, doing);
    }
  }

  /** A page with the core metadata only (see FOLLOW_CORE_SQL). */
  private async followCore(after: number, limit: number): Promise<RecordedEvent[]> {
    try {
      const { rows } = await query<CoreEventRow>(this.pool, {
        name: 'baton_follow_core',
        text: FOLLOW_CORE_SQL,
        values: [after, limit],
      });
      return rows.filter((row) => row.position !== null).map(coreToRecordedEvent);
    } catch (error) {
      throw toStoreError(error, 'reading all events');
    }
  }

  private async select(
    name: string,
    text: string,
    values: unknown[],
    doing: string,
  ): Promise<RecordedEvent[]> {
    try {
      const result = await query<EventRow>(this.pool, { name, text, values });
      return result.rows.map(toRecordedEvent);
    } catch (error) {
      throw toStoreError(error, doing);
    }
  }
}

function defaultOnError(error: unknown): void {
  console.error('PgEventStore subscription failed; retrying with back-off', error);
}
