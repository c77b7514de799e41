/**
 * The slice of `@eventstore/db-client` the adapter uses, and nothing more. connect.ts maps the
 * real `EventStoreDBClient` onto it; unit tests hand in a fake, so the
 * adapter's own logic (positions, errors, metadata, the subscription loop) is tested without a
 * server.
 */
import type {
  AllStreamResolvedEvent,
  AppendResult,
  AppendToStreamOptions,
  Direction,
  EventData,
  ReadPosition,
  ReadStreamOptions,
  ResolvedEvent,
  SubscribeToAllOptions,
} from '@eventstore/db-client';

/** A live subscription: yields events until unsubscribed, and throws when the server goes away. */
export interface EsdbAllSubscription extends AsyncIterable<AllStreamResolvedEvent> {
  unsubscribe(): Promise<void>;
}

export interface FilteredReadAllOptions {
  fromPosition: ReadPosition;
  direction: Direction;
  maxCount: number;
  /** Only events of streams whose name starts with one of these. */
  streamPrefixes: string[];
}

export interface EsdbClient {
  appendToStream(
    streamName: string,
    events: EventData[],
    options: AppendToStreamOptions,
  ): Promise<AppendResult>;
  /** Throws StreamNotFoundError while iterating when the stream does not exist. */
  readStream(streamName: string, options: ReadStreamOptions): AsyncIterable<ResolvedEvent>;
  /** A page of $all, filtered on the server (filtered-read-all.ts). */
  readAllFiltered(options: FilteredReadAllOptions): AsyncIterable<AllStreamResolvedEvent>;
  subscribeToAll(options: SubscribeToAllOptions): EsdbAllSubscription;
}
