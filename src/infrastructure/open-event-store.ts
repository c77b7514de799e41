import { Pool } from 'pg';
import { EventStore } from '../application/ports/event-store';
import { connectEventStoreDb } from './eventstoredb/connect';
import { PgEventStore } from './postgres/pg-event-store';

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
    const connection = connectEventStoreDb(eventstoreConnectionString, { onSubscriptionError });
    return { store: connection.store, where: 'EventStoreDB', close: connection.close };
  }
  const store = new PgEventStore(pool, { onSubscriptionError });
  return { store, where: 'PostgreSQL', close: () => store.close() };
}
