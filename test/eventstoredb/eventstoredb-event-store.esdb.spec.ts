/**
 * The EventStoreDB adapter against a live server (EVENTSTORE_CONNECTION_STRING): the shared
 * contract, and what other EventStoreDB tools see of Baton's events.
 */
import { EventStoreDBClient, FORWARDS, START } from '@eventstore/db-client';
import { describeEventStoreContract } from '../support/event-store-contract';
import { events, newEvent } from '../support/event-store-fixtures';
import { liveClient, namespacedStore } from '../support/eventstoredb';

let client: EventStoreDBClient;
beforeAll(() => {
  client = liveClient();
});
afterAll(() => client.dispose());

describeEventStoreContract('EventStoreDB (live server)', async () => ({
  store: namespacedStore(client),
  teardown: async () => undefined,
}));

describe('Baton events as EventStoreDB tools see them (live server)', () => {
  it('stores the stable type name, JSON data and DESIGN §4 metadata with $correlationId', async () => {
    const store = namespacedStore(client);
    const metadata = { ...newEvent().metadata, causationId: 'cmd-1', hash: 'h-1' };
    const { lastPosition } = await store.append(
      'process-1',
      [{ type: 'ProcessStarted', data: { processId: '1' }, metadata }],
      'no_stream',
    );
    const raw = [];
    for await (const resolved of client.readStream(`${store.namespace}process-1`))
      raw.push(resolved);
    expect(raw).toHaveLength(1);
    const event = raw[0].event!;
    expect(event).toMatchObject({ type: 'ProcessStarted', isJson: true, data: { processId: '1' } });
    expect(event.metadata).toEqual({
      ...metadata,
      $correlationId: 'corr-1',
      $causationId: 'cmd-1',
    });
    // The position Baton reports is the server's own log position of that event.
    expect(event.position).toEqual({ commit: BigInt(lastPosition), prepare: BigInt(lastPosition) });
    await store.close();
  });

  it('numbers events by the $all positions the server reports', async () => {
    const store = namespacedStore(client);
    await store.append('process-2', events(3), 'no_stream');
    const ours = await store.readAll({ after: 0, limit: 10 });
    const fromServer: bigint[] = [];
    for await (const resolved of client.readAll({ fromPosition: START, direction: FORWARDS })) {
      if (resolved.event?.streamId.startsWith(store.namespace)) {
        fromServer.push(resolved.event.position.commit);
      }
    }
    expect(ours.map((e) => BigInt(e.position))).toEqual(fromServer);
    await store.close();
  });
});
