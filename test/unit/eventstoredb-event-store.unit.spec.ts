/**
 * The EventStoreDB adapter against a fake of its narrow client interface (no server): the
 * shared contract, then what is the adapter's own — positions, the server-side filter,
 * metadata, error translation. What a real EventStoreDB does is checked by
 * test/eventstoredb/*.esdb.spec.ts, which only runs with EVENTSTORE_CONNECTION_STRING set.
 */
import {
  AccessDeniedError,
  BACKWARDS,
  DeadlineExceededError,
  END,
  FORWARDS,
  START,
  UnavailableError,
} from '@eventstore/db-client';
import { ConcurrencyError, StoreUnavailableError } from '../../src/application/ports/store-errors';
import { EventStoreDbEventStore } from '../../src/infrastructure/eventstoredb/eventstoredb-event-store';
import { describeEventStoreContract } from '../support/event-store-contract';
import { events, newEvent } from '../support/event-store-fixtures';
import { FakeEsdbClient } from '../support/fake-esdb-client';

describeEventStoreContract('EventStoreDB adapter over a fake client (not a server)', async () => ({
  store: new EventStoreDbEventStore(new FakeEsdbClient(), {
    streamPrefixes: [''],
    onSubscriptionError: () => undefined,
  }),
  teardown: async () => undefined,
}));

describe('EventStoreDbEventStore (adapter logic, fake client)', () => {
  let client: FakeEsdbClient;
  let store: EventStoreDbEventStore;

  beforeEach(() => {
    client = new FakeEsdbClient();
    store = new EventStoreDbEventStore(client, { onSubscriptionError: () => undefined });
  });
  afterEach(() => store.close());

  it('uses EventStoreDB log positions as global positions: increasing, not consecutive', async () => {
    const { lastPosition } = await store.append('process-a', events(3), 'no_stream');
    const stream = await store.readStream('process-a');
    expect(stream.map((e) => e.position)).toEqual(client.log.map((r) => r.position));
    expect(stream[0].position).toBeGreaterThan(1);
    expect(stream[1].position - stream[0].position).toBeGreaterThan(1);
    expect(lastPosition).toBe(stream[2].position);
  });

  it('reads $all through the server-side filter on process streams, and skips foreign streams', async () => {
    client.writeRaw('orders-1', 'OrderPlaced', '{}');
    await store.append('process-a', events(2), 'no_stream');
    client.writeRaw('$stats-127.0.0.1:2113', '$statsCollected', '{}');
    await store.append('process-b', events(1), 'no_stream');
    const all = await store.readAll({ after: 0, limit: 10 });
    expect(all.map((e) => e.streamId)).toEqual(['process-a', 'process-a', 'process-b']);
    expect(client.readAllCalls[0]).toEqual({
      fromPosition: START,
      direction: FORWARDS,
      maxCount: 11,
      streamPrefixes: ['process-'],
    });
  });

  it('reads after a position from that log position, dropping the event at it', async () => {
    await store.append('process-a', events(3), 'no_stream');
    const [first, second, third] = await store.readAll({ after: 0, limit: 10 });
    const page = await store.readAll({ after: first.position, limit: 1 });
    expect(page).toEqual([second]);
    const at = BigInt(first.position);
    expect(client.readAllCalls[1].fromPosition).toEqual({ commit: at, prepare: at });
    expect(await store.readAll({ after: third.position, limit: 5 })).toEqual([]);
  });

  it('finds the head with a filtered backward read', async () => {
    expect(await store.headPosition()).toBe(0);
    const { lastPosition } = await store.append('process-a', events(2), 'no_stream');
    client.writeRaw('orders-1', 'OrderPlaced', '{}');
    expect(await store.headPosition()).toBe(lastPosition);
    expect(client.readAllCalls[1]).toMatchObject({
      fromPosition: END,
      direction: BACKWARDS,
      maxCount: 1,
    });
  });

  it('skips EventStoreDB system records in Baton streams', async () => {
    await store.append('process-a', events(1), 'no_stream');
    client.writeRaw('process-a', '$metadata', '{}');
    expect((await store.readStream('process-a')).map((e) => e.type)).toEqual(['Happened']);
    expect((await store.readAll({ after: 0, limit: 10 })).map((e) => e.type)).toEqual(['Happened']);
  });

  it('refuses, clearly, an event in a Baton stream that is not JSON', async () => {
    client.writeRaw('process-a', 'Binary', 'not json', false);
    await expect(store.readStream('process-a')).rejects.toThrow(/no JSON object as data/);
  });

  it('carries metadata fields it does not know (a hash chain) through unchanged', async () => {
    const event = newEvent('Signed', { n: 1 });
    const metadata = { ...event.metadata, causationId: 'cmd-1', hash: 'ab12', previousHash: null };
    const { recorded } = await store.append('process-a', [{ ...event, metadata }], 'no_stream');
    expect(recorded?.[0].metadata).toEqual(metadata);
    expect((await store.readStream('process-a'))[0].metadata).toEqual(metadata);
    // …and EventStoreDB's own tools find the correlation and causation where they look.
    expect(JSON.parse(client.log[0].metadata)).toEqual({
      ...metadata,
      $correlationId: 'corr-1',
      $causationId: 'cmd-1',
    });
    expect(client.log[0]).toMatchObject({ type: 'Signed', isJson: true, data: '{"n":1}' });
  });

  it('turns a wrong expected version into ConcurrencyError with the revision found', async () => {
    await store.append('process-a', events(2), 'no_stream');
    await expect(store.append('process-a', events(1), 0)).rejects.toMatchObject({
      constructor: ConcurrencyError,
      expected: '0',
      actual: '1',
    });
    await expect(store.append('process-b', events(1), 3)).rejects.toMatchObject({
      constructor: ConcurrencyError,
      actual: 'no_stream',
    });
  });

  it.each([
    ['unavailable', new UnavailableError()],
    ['deadline exceeded', new DeadlineExceededError()],
    ['a leader change', Object.assign(new UnavailableError(), { type: 'not-leader' })],
    ['cluster discovery giving up', new Error('Failed to discover after 10 attempts.')],
  ])('turns %s on append into StoreUnavailableError, never a conflict', async (_, error) => {
    client.failNext('appendToStream', error);
    const failure = await store.append('process-a', events(1), 'no_stream').catch((e) => e);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect(failure).not.toBeInstanceOf(ConcurrencyError);
    expect(failure.cause).toBe(error);
    expect(await store.readStream('process-a')).toEqual([]);
  });

  it('turns an outage on reads into StoreUnavailableError', async () => {
    client.failNext('readStream', new UnavailableError());
    await expect(store.readStream('process-a')).rejects.toBeInstanceOf(StoreUnavailableError);
    client.failNext('readAllFiltered', new DeadlineExceededError());
    await expect(store.readAll({ after: 0, limit: 1 })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    client.failNext('readAllFiltered', new UnavailableError());
    await expect(store.headPosition()).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('gives up on a server that never answers, as an outage', async () => {
    const silent = new EventStoreDbEventStore(
      Object.assign(new FakeEsdbClient(), {
        appendToStream: () => new Promise<never>(() => undefined),
        readStream: () => ({
          [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => {}) }),
        }),
      }) as unknown as FakeEsdbClient,
      { answerWithinMs: 50 },
    );
    await expect(silent.append('process-a', events(1), 'no_stream')).rejects.toThrow(
      /EventStoreDB unavailable while appending to process-a: no answer within 50 ms/,
    );
    await expect(silent.readStream('process-a')).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('leaves other failures as they are: neither an outage nor a conflict', async () => {
    const denied = new AccessDeniedError();
    client.failNext('appendToStream', denied);
    await expect(store.append('process-a', events(1), 'no_stream')).rejects.toBe(denied);
  });

  it('reports an append whose events cannot be read back as in doubt', async () => {
    client.failNext('readStream', new UnavailableError());
    await expect(store.append('process-a', events(1), 'no_stream')).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect(client.log).toHaveLength(1); // written: the caller must treat the outcome as unknown
  });

  it('refuses metadata keys that EventStoreDB reserves, writing nothing', async () => {
    const event = newEvent();
    const metadata = { ...event.metadata, $correlationId: 'forged' };
    await expect(store.append('process-a', [{ ...event, metadata }], 'any')).rejects.toThrow(
      /\$correlationId/,
    );
    expect(client.log).toEqual([]);
  });

  it('subscribes from the checkpoint as a log position, filtered to Baton streams', async () => {
    const { lastPosition } = await store.append('process-a', events(2), 'no_stream');
    const delivered: number[] = [];
    const subscription = store.subscribeAll(lastPosition, async (batch) => {
      delivered.push(...batch.map((e) => e.position));
    });
    const { lastPosition: live } = await store.append('process-a', events(1), 1);
    await waitFor(() => delivered.length === 1);
    await subscription.close();
    expect(delivered).toEqual([live]);
    const at = BigInt(lastPosition);
    expect(client.subscribeCalls[0].fromPosition).toEqual({ commit: at, prepare: at });
    expect(client.subscribeCalls[0].filter).toMatchObject({ prefixes: ['process-'] });
    expect(client.openSubscriptions.size).toBe(0); // closed on the server too
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
