/**
 * Gives a test its own corner of a shared EventStoreDB: every stream name gets a prefix on the
 * way in and loses it on the way out, and the adapter underneath filters $all to that prefix
 * on the server. A database cannot be dropped between tests as PostgreSQL's can; this keeps
 * tests (and earlier runs) from seeing each other's events. Positions are the server's own.
 */
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
} from '../../src/application/ports/event-store';
import { ConcurrencyError } from '../../src/application/ports/store-errors';

export class NamespacedEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    readonly namespace: string,
  ) {}

  async append(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    try {
      const result = await this.inner.append(this.inside(streamId), events, expected);
      return { ...result, recorded: result.recorded?.map((e) => this.outside(e)) };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      throw new ConcurrencyError(streamId, error.expected, error.actual);
    }
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readStream(this.inside(streamId), options)).map((e) =>
      this.outside(e),
    );
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readAll(options)).map((e) => this.outside(e));
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  subscribeAll(
    after: number,
    handler: SubscriptionHandler,
    options?: SubscribeOptions,
  ): Subscription {
    return this.inner.subscribeAll(
      after,
      (events) => handler(events.map((e) => this.outside(e))),
      options,
    );
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private inside(streamId: string): string {
    // An empty name stays empty, so the adapter still refuses it as a caller error.
    return streamId === '' ? '' : `${this.namespace}${streamId}`;
  }

  private outside(event: RecordedEvent): RecordedEvent {
    if (!event.streamId.startsWith(this.namespace)) {
      throw new Error(
        `${event.streamId} is outside ${this.namespace}: the server filter let it through`,
      );
    }
    return { ...event, streamId: event.streamId.slice(this.namespace.length) };
  }
}
