import { EventStoreDBClient } from '@eventstore/db-client';
import { EsdbClient } from './esdb-client';
import { EventStoreDbEventStore, EventStoreDbEventStoreOptions } from './eventstoredb-event-store';
import { readAllFiltered } from './filtered-read-all';

export interface EventStoreDbConnection {
  store: EventStoreDbEventStore;
  /** Stops the store's subscriptions, then the client's connection. */
  close(): Promise<void>;
}

/** The real client, seen through the narrow interface the adapter is written (and tested) against. */
export function narrowClient(client: EventStoreDBClient): EsdbClient {
  return {
    appendToStream: (stream, events, options) => client.appendToStream(stream, events, options),
    readStream: (stream, options) => client.readStream(stream, options),
    readAllFiltered: (options) => readAllFiltered(client, options),
    subscribeToAll: (options) => client.subscribeToAll(options),
  };
}

/**
 * Opens a client from EVENTSTORE_CONNECTION_STRING (`esdb://host:2113?tls=false`,
 * `esdb+discover://...` for a cluster) and the store on it. The client connects lazily: a
 * server that is down shows up as StoreUnavailableError on the first call, not here.
 */
export function connectEventStoreDb(
  connectionString: string,
  options: EventStoreDbEventStoreOptions = {},
): EventStoreDbConnection {
  let client: EventStoreDBClient;
  try {
    client = EventStoreDBClient.connectionString(connectionString);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `EVENTSTORE_CONNECTION_STRING is not usable: ${redactPassword(reason, connectionString)}`,
    );
  }
  const store = new EventStoreDbEventStore(narrowClient(client), options);
  return {
    store,
    close: async () => {
      await store.close();
      await client.dispose();
    },
  };
}

/** The parser quotes the part it stumbled on, which may be the password: never print that. */
function redactPassword(message: string, connectionString: string): string {
  const password = /^[a-z+]+:\/\/[^:@/]*:([^@/]*)@/i.exec(connectionString)?.[1];
  return password ? message.split(password).join('***') : message;
}
