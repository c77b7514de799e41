import { randomUUID } from 'crypto';
import { DueTimer, TimerStore } from '../../application/ports/timer-store';
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
import { ChangeSignal } from '../event-store/change-signal';
import {
  assertAppendArguments,
  assertExpectedRevision,
  assertFromRevision,
  assertReadAllOptions,
} from '../event-store/expected-revision';
import { PollingSubscription } from '../event-store/polling-subscription';

export interface InMemoryEventStoreOptions {
  onSubscriptionError?: (error: unknown) => void;
}

/**
 * The contract without the database, for unit tests. An append is synchronous from check to
 * push, so JavaScript's single thread gives atomicity and positions in commit order. Its
 * positions happen to be consecutive; the contract does not promise that (PostgreSQL's are not).
 */
export class InMemoryEventStore implements EventStore, TimerStore {
  private readonly timers = new Map<string, { dueAt: string; shard: number; attempts: number }>();
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly subscriptions = new Set<PollingSubscription>();
  private readonly changes = new ChangeSignal();

  constructor(private readonly options: InMemoryEventStoreOptions = {}) {}

  async append(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    assertAppendArguments(streamId, events.length, expected);
    const stream = this.streams.get(streamId) ?? [];
    const current = stream.length - 1;
    assertExpectedRevision(streamId, expected, current);

    // Copies, so a caller mutating its objects afterwards cannot rewrite history.
    const recorded = events.map((event, index): RecordedEvent => ({
      eventId: randomUUID(),
      streamId,
      revision: current + 1 + index,
      position: this.log.length + 1 + index,
      type: event.type,
      data: structuredClone(event.data),
      metadata: structuredClone(event.metadata),
    }));
    this.log.push(...recorded);
    stream.push(...recorded);
    this.streams.set(streamId, stream);
    const { timer } = options;
    if (timer?.dueAt === null) this.timers.delete(streamId);
    else if (timer)
      this.timers.set(streamId, { dueAt: timer.dueAt, shard: timer.shard, attempts: 0 });
    this.changes.notify();
    const last = recorded[recorded.length - 1];
    return {
      nextRevision: last.revision,
      lastPosition: last.position,
      recorded: recorded.map(copy),
    };
  }

  async due(
    now: Date,
    partitions: readonly number[],
    partitionCount: number,
    limit: number,
  ): Promise<DueTimer[]> {
    const iso = now.toISOString();
    const owned = new Set(partitions);
    return [...this.timers]
      .filter(([, t]) => t.dueAt <= iso && owned.has(t.shard % partitionCount))
      .sort(([, a], [, b]) => (a.dueAt < b.dueAt ? -1 : 1))
      .slice(0, limit)
      .map(([streamId, t]) => ({ streamId, dueAt: t.dueAt, attempts: t.attempts }));
  }

  async settle(timer: DueTimer): Promise<void> {
    if (this.timers.get(timer.streamId)?.dueAt === timer.dueAt) this.timers.delete(timer.streamId);
  }

  async snooze(timer: DueTimer, retryAt: Date): Promise<void> {
    const stored = this.timers.get(timer.streamId);
    if (stored?.dueAt !== timer.dueAt) return;
    this.timers.set(timer.streamId, {
      ...stored,
      dueAt: retryAt.toISOString(),
      attempts: stored.attempts + 1,
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertFromRevision(options.fromRevision);
    return (this.streams.get(streamId) ?? []).slice(options.fromRevision ?? 0).map(copy);
  }

  async readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    assertReadAllOptions(after, limit);
    // Position n sits at index n - 1, so `after` is also the index to start from.
    return this.log.slice(after, after + limit).map(copy);
  }

  async headPosition(): Promise<number> {
    return this.log.length;
  }

  subscribeAll(
    after: number,
    handler: SubscriptionHandler,
    options: SubscribeOptions = {},
  ): Subscription {
    const subscription = new PollingSubscription(
      {
        readPage: async (after, limit) => ({
          events: await this.readAll({ after, limit }),
          heldBack: false,
        }),
        changes: this.changes,
      },
      after,
      handler,
      {
        batchSize: options.batchSize ?? 500,
        // Every append notifies in-process, so no wake-up can be lost and no polling is needed.
        idlePollMs: undefined,
        initialBackoffMs: 10,
        maxBackoffMs: 1000,
        onError: this.options.onSubscriptionError ?? defaultOnError,
        minIntervalMs: options.minIntervalMs,
      },
      (closed) => {
        this.subscriptions.delete(closed);
      },
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
  }
}

function copy(event: RecordedEvent): RecordedEvent {
  return { ...event, data: structuredClone(event.data), metadata: structuredClone(event.metadata) };
}

function defaultOnError(error: unknown): void {
  console.error('InMemoryEventStore subscription failed; retrying', error);
}
