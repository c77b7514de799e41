/**
 * The seed scenario (test/support/seed-scenario.ts) with its events in a live EventStoreDB
 * (EVENTSTORE_CONNECTION_STRING) and its read models and checkpoints in PostgreSQL, as Baton
 * runs when the connection string is set.
 */
import { EventStoreDBClient } from '@eventstore/db-client';
import { liveClient, namespacedStore } from '../support/eventstoredb';
import { startPgTestApp } from '../support/pg-app';
import { describeSeedScenario } from '../support/seed-scenario';

let client: EventStoreDBClient;
beforeAll(() => {
  client = liveClient();
});
afterAll(() => client.dispose());

describeSeedScenario('EventStoreDB, read models in PostgreSQL', async (options) => {
  const eventStore = namespacedStore(client);
  const t = await startPgTestApp({ adapters: { ...options.adapters, eventStore } });
  return {
    ...t,
    storedText: async () => {
      const stored = await eventStore.readAll({ after: 0, limit: 100_000 });
      expect(stored.length).toBeGreaterThan(0);
      let dump = JSON.stringify(stored);
      for (const table of ['process_summaries', 'checkpoints', 'events']) {
        const { rows } = await t.pg.db.pool.query(`SELECT t::text AS row FROM "${table}" t`);
        if (table === 'events') expect(rows).toEqual([]); // the events live in EventStoreDB
        dump += rows.map((r) => r.row).join('\n');
      }
      return dump;
    },
  };
});
