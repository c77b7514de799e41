import { randomUUID } from 'node:crypto';
import { BACKWARDS, END, FORWARDS, Filter, START, streamNameFilter } from '@eventstore/db-client';
import {
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
import { PROCESS_STREAM_PREFIX } from '../../domain/process/events';
import {
  assertAppendArguments,
  assertFromRevision,
  assertReadAllOptions,
} from '../event-store/expected-revision';
import { EsdbCatchUpSubscription, LiveFeed } from './esdb-catch-up-subscription';
import { EsdbClient } from './esdb-client';
import { isStreamNotFound, toStoreError } from './esdb-errors';
import { drainWithin, withinDeadline } from './esdb-deadline';
import { decodeEvent, encodeEvent, isSystemEvent } from './esdb-event-codec';
import { readPositionAfter, toExpectedRevision, toRevision } from './esdb-positions';

export interface EventStoreDbEventStoreOptions {
  /**
   * Stream-name prefixes of Baton's streams: reads of $all and the subscription are filtered
   * to them on the server. Default: the process streams (`process-`).
   */
  streamPrefixes?: string[];
  batchSize?: number;
  /** Cap of the doubling back-off before a broken subscription is opened again. */
  maxBackoffMs?: number;
  onSubscriptionError?: (error: unknown) => void;
  /** Longest wait for an answer before a call counts as an outage (esdb-deadline.ts). */
  answerWithinMs?: number;
  /** Event ids; EventStoreDB wants UUIDs. */
  newId?: () => string;
}

/**
 * The event store on EventStoreDB (through `@eventstore/db-client`). Appends carry the expected
 * revision, which EventStoreDB checks itself; positions are log positions (esdb-positions.ts).
 *
 * The client belongs to the caller, like the PostgreSQL pool: close() stops this store's
 * subscriptions and leaves the connection to its owner.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly subscriptions = new Set<EsdbCatchUpSubscription>();
  private readonly prefixes: string[];
  private readonly filter: Filter;
  private readonly newId: () => string;
  private readonly answerWithinMs: number;

  constructor(
    private readonly client: EsdbClient,
    private readonly options: EventStoreDbEventStoreOptions = {},
  ) {
    this.prefixes = options.streamPrefixes ?? [PROCESS_STREAM_PREFIX];
    if (this.prefixes.length === 0) {
      throw new RangeError('streamPrefixes must name at least one prefix');
    }
    this.filter = streamNameFilter({ prefixes: this.prefixes });
    this.newId = options.newId ?? randomUUID;
    // Above the client's own 10 s default deadline, which answers first whenever it applies.
    this.answerWithinMs = options.answerWithinMs ?? 15_000;
  }

  async append(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    assertAppendArguments(streamId, events.length, expected);
    const ids = events.map(() => this.newId());
    const data = events.map((event, index) => encodeEvent(event, ids[index]));
    let lastRevision: number;
    try {
      const result = await withinDeadline(
        this.client.appendToStream(streamId, data, {
          expectedRevision: toExpectedRevision(expected),
        }),
        this.answerWithinMs,
        `appending to ${streamId}`,
      );
      lastRevision = toRevision(result.nextExpectedRevision);
    } catch (error) {
      throw toStoreError(error, `appending to ${streamId}`, { streamId, expected });
    }
    // The append answers with one position for the whole write; each event's own position is
    // only known from a read. Reading the write back from the leader gives the positions and
    // the events exactly as stored.
    const firstRevision = lastRevision - events.length + 1;
    const recorded = await this.readRange(streamId, firstRevision, events.length, true);
    if (recorded.length !== ids.length || recorded.some((event, i) => event.eventId !== ids[i])) {
      throw new Error(
        `appended ${ids.length} events to ${streamId} at revision ${firstRevision}, but reading them back found others`,
      );
    }
    return {
      nextRevision: lastRevision,
      lastPosition: recorded[recorded.length - 1].position,
      recorded,
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertFromRevision(options.fromRevision);
    return this.readRange(streamId, options.fromRevision ?? 0, undefined, false);
  }

  async readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    assertReadAllOptions(after, limit);
    const events: RecordedEvent[] = [];
    try {
      // Forward reads include the event at `after` itself: one more, and it is dropped.
      const read = this.client.readAllFiltered({
        fromPosition: readPositionAfter(after),
        direction: FORWARDS,
        maxCount: limit + 1,
        streamPrefixes: this.prefixes,
      });
      await drainWithin(read, this.answerWithinMs, 'reading all events', (resolved) => {
        if (isSystemEvent(resolved)) return;
        const event = decodeEvent(resolved);
        if (event.position > after && events.length < limit) events.push(event);
      });
    } catch (error) {
      throw toStoreError(error, 'reading all events');
    }
    return events;
  }

  async headPosition(): Promise<number> {
    let head = 0;
    try {
      const read = this.client.readAllFiltered({
        fromPosition: END,
        direction: BACKWARDS,
        maxCount: 1,
        streamPrefixes: this.prefixes,
      });
      await drainWithin(read, this.answerWithinMs, 'reading the head position', (resolved) => {
        if (isSystemEvent(resolved)) return;
        head = decodeEvent(resolved).position;
        return false;
      });
    } catch (error) {
      throw toStoreError(error, 'reading the head position');
    }
    return head;
  }

  subscribeAll(
    after: number,
    handler: SubscriptionHandler,
    options: SubscribeOptions = {},
  ): Subscription {
    // A bad starting point is the caller's bug: say so now, not through the retry loop forever.
    assertReadAllOptions(after, 1);
    const subscription: EsdbCatchUpSubscription = new EsdbCatchUpSubscription(
      (from) => this.openFeed(from),
      after,
      handler,
      {
        batchSize: options.batchSize ?? this.options.batchSize ?? 500,
        initialBackoffMs: 100,
        maxBackoffMs: this.options.maxBackoffMs ?? 10_000,
        minIntervalMs: options.minIntervalMs,
        onError: this.options.onSubscriptionError ?? defaultOnError,
      },
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
  }

  /** EventStoreDB's catch-up subscription to $all, from just after `after`, Baton's streams only. */
  private openFeed(after: number): LiveFeed {
    const subscription = this.client.subscribeToAll({
      fromPosition: readPositionAfter(after),
      filter: this.filter,
      resolveLinkTos: false,
    });
    const events = subscription[Symbol.asyncIterator]();
    return {
      next: async () => {
        try {
          for (;;) {
            const result = await events.next();
            if (result.done) return result;
            if (isSystemEvent(result.value)) continue;
            const event = decodeEvent(result.value);
            if (event.position > after) return { done: false, value: event };
          }
        } catch (error) {
          throw toStoreError(error, 'following all events');
        }
      },
      close: () => subscription.unsubscribe(),
    };
  }

  private async readRange(
    streamId: string,
    fromRevision: number,
    count: number | undefined,
    fromLeader: boolean,
  ): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        fromRevision: fromRevision === 0 ? START : BigInt(fromRevision),
        direction: FORWARDS,
        maxCount: count,
        resolveLinkTos: false,
        requiresLeader: fromLeader,
      });
      await drainWithin(read, this.answerWithinMs, `reading stream ${streamId}`, (resolved) => {
        if (!isSystemEvent(resolved)) events.push(decodeEvent(resolved));
      });
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw toStoreError(error, `reading stream ${streamId}`);
    }
    return events;
  }
}

function defaultOnError(error: unknown): void {
  console.error('EventStoreDbEventStore subscription failed; resubscribing with back-off', error);
}
