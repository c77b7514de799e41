import { Pool } from 'pg';
import { EventStore } from '../application/ports/event-store';
import { PgEventStore } from './postgres/pg-event-store';
import type * as EsdbConnect from './eventstoredb/connect';

export interface OpenedEventStore {
  store: EventStore;
  /** Where the events live, for the start-up log (never the connection string: it may hold a password). */
  where: string;
  close(): Promise<void>;
}

/**
 * The one place that picks the event store: EventStoreDB when EVENTSTORE_CONNECTION_STRING is
 * set, otherwise the PostgreSQL that also holds the read models and checkpoints (which stay in
 * PostgreSQL either way).
 */
export function openEventStore(
  eventstoreConnectionString: string | null,
  pool: Pool,
  onSubscriptionError?: (error: unknown) => void,
): OpenedEventStore {
  if (eventstoreConnectionString) {
    // Loaded only when chosen: @eventstore/db-client pulls in gRPC and protobuf (several MiB of
    // heap and a slower start) that a service on PostgreSQL never uses.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { connectEventStoreDb } = require('./eventstoredb/connect') as typeof EsdbConnect;
    const connection = connectEventStoreDb(eventstoreConnectionString, { onSubscriptionError });
    return { store: connection.store, where: 'EventStoreDB', close: connection.close };
  }
  const store = new PgEventStore(pool, { onSubscriptionError });
  return { store, where: 'PostgreSQL', close: () => store.close() };
}
