/**
 * The event store is the only source of truth. Everything else (read models, the runner's
 * view of what to do next) is derived from it by following `subscribeAll` from a checkpoint.
 */

import { Fence } from '../ownership/write-fence';
import { StreamTimer } from './timer-store';

/** What callers hand to `append`: the type is a stable string, never a class name. */
export interface NewEvent {
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

export interface EventMetadata {
  /** ISO-8601 time the command was decided, from the injected clock. */
  at: string;
  actor: string;
  correlationId: string;
  causationId: string | null;
  schemaVersion: number;
  /** The client's Idempotency-Key of the request that caused the event, if it sent one. */
  idempotencyKey?: string;
  /**
   * W3C traceparent of the span that decided the event, when tracing is on: the process's
   * trace goes on from it, on any instance, however much later (docs/tracing.md).
   */
  traceparent?: string;
  /**
   * Tamper evidence (see application/history/event-chain.ts): SHA-256 hex over the previous
   * event's hash, this event's place (stream, revision) and its canonical content. Absent on
   * events written before hashing; a legacy hash on those written before `hashVersion` 2.
   */
  hash?: string;
  /** 2 on events hashed in place (event-chain.ts); absent on older ones. */
  hashVersion?: number;
}

/** An event as stored: with its place in its stream and in the global order. */
export interface RecordedEvent extends NewEvent {
  eventId: string;
  streamId: string;
  /** 0-based position in its stream. */
  revision: number;
  /**
   * Position in the global order: strictly increasing in the order a follower receives events,
   * unique, at least 1, but NOT consecutive (PostgreSQL derives it from the writing transaction's
   * id, EventStoreDB from its log offset). Compare positions; never count on them.
   */
  position: number;
}

/**
 * `no_stream`: the stream must not exist yet. A number: the revision of the stream's last
 * event must be exactly this. `any`: no check (only for facts that cannot be invalidated).
 */
export type ExpectedRevision = number | 'no_stream' | 'any';

export interface AppendResult {
  /** Revision of the last event appended. */
  nextRevision: number;
  /** Global position of the last event appended. */
  lastPosition: number;
  /**
   * The events as stored, when the adapter knows them without another read. Lets callers keep
   * folded state current without reading back what they just wrote.
   */
  recorded?: RecordedEvent[];
}

export interface AppendOptions {
  /** Sets (or, with `dueAt: null`, clears) the stream's durable timer if the append is written. */
  timer?: StreamTimer;
  /**
   * Write only while this fence is current (the writer still owns the work). Defaults to the
   * fence of the drive running now (ownership/write-fence.ts), if any.
   */
  fence?: Fence;
}

export interface ReadStreamOptions {
  /** Only events at or after this revision (a cached fold reads just the tail). */
  fromRevision?: number;
}

/** Most events one append may carry. */
export const MAX_EVENTS_PER_APPEND = 1000;

export interface ReadAllOptions {
  /** Exclusive: return events with position > after. 0 reads from the start. */
  after: number;
  limit: number;
  /**
   * `core`: the metadata may come without its optional fields (hash, traceparent, idempotency
   * key): what folds and projections read, for a rebuild that reads the whole store and need
   * not ship and parse the rest. Default `full`. A store may always return all of it.
   */
  metadata?: 'full' | 'core';
}

/** Called with each batch in global order; the subscription waits for the promise. */
export type SubscriptionHandler = (events: RecordedEvent[]) => Promise<void>;

export interface SubscribeOptions {
  /**
   * For followers that need not see each event at once (read models): once caught up, read at
   * most this often, so events arrive in fewer, bigger batches. Catching up is never slowed.
   */
  minIntervalMs?: number;
  /**
   * Most events per batch (default: the store's, 500). Followers whose cost is mostly per batch
   * (read models: one read and one write each) catch up faster with bigger ones.
   */
  batchSize?: number;
}

export interface Subscription {
  /** Stops delivering; resolves when the handler in flight (if any) has returned. */
  close(): Promise<void>;
}

export interface EventStore {
  /**
   * Appends atomically. Throws `ConcurrencyError` when the expected revision does not hold and
   * `StoreUnavailableError` when the store cannot be reached; never anything vaguer.
   */
  append(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /** Events of one stream in revision order; empty array for an unknown stream. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position of the last event a follower can read now (0 when empty). */
  headPosition(): Promise<number>;
  /**
   * Delivers every event with position > `after`, in order, then follows live appends.
   * Never skips an event that a concurrent transaction commits late.
   */
  subscribeAll(
    after: number,
    handler: SubscriptionHandler,
    options?: SubscribeOptions,
  ): Subscription;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');
