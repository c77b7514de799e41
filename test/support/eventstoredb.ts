/**
 * A live EventStoreDB for the tests in test/eventstoredb, which Jest only picks up when
 * EVENTSTORE_CONNECTION_STRING is set (jest.config.js); without it they are reported as not run,
 * never as passed. Each store gets a namespace of its own on the shared server.
 */
import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { narrowClient } from '../../src/infrastructure/eventstoredb/connect';
import { EventStoreDbEventStore } from '../../src/infrastructure/eventstoredb/eventstoredb-event-store';
import { NamespacedEventStore } from './namespaced-event-store';

export function liveConnectionString(): string {
  const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;
  if (!connectionString) {
    // jest.config.js only selects these files when it is set: reaching this is a wiring bug.
    throw new Error('EVENTSTORE_CONNECTION_STRING is not set');
  }
  return connectionString;
}

export function liveClient(): EventStoreDBClient {
  return EventStoreDBClient.connectionString(liveConnectionString());
}

/** The adapter on the live server, seeing only streams under a fresh namespace. */
export function namespacedStore(client: EventStoreDBClient): NamespacedEventStore {
  const namespace = `baton_test_${randomUUID().replace(/-/g, '')}_`;
  const store = new EventStoreDbEventStore(narrowClient(client), {
    streamPrefixes: [namespace],
    onSubscriptionError: () => undefined,
  });
  return new NamespacedEventStore(store, namespace);
}
