/**
 * The EventStoreDB catch-up subscription loop on scripted server feeds: where it resumes after a
 * break, how it backs off (doubling, capped, reset by progress), redelivery of a failed batch,
 * batching, and close(). Waits are recorded instead of slept.
 */
import { UnavailableError } from '@eventstore/db-client';
import { RecordedEvent } from '../../src/application/ports/event-store';
import {
  CatchUpOptions,
  EsdbCatchUpSubscription,
  LiveFeed,
} from '../../src/infrastructure/eventstoredb/esdb-catch-up-subscription';
import { EventStoreDbEventStore } from '../../src/infrastructure/eventstoredb/eventstoredb-event-store';
import { events } from '../support/event-store-fixtures';
import { FakeEsdbClient } from '../support/fake-esdb-client';

type Step = RecordedEvent | Error | 'end';

const event = (position: number): RecordedEvent => ({
  eventId: `e-${position}`,
  streamId: 'process-1',
  revision: position,
  position,
  type: 'Happened',
  data: {},
  metadata: { at: '', actor: 'test', correlationId: 'c', causationId: null, schemaVersion: 1 },
});

/** Each opened feed plays its script, then waits (like a live subscription) until closed. */
function scriptedServer(scripts: Step[][]) {
  const openedAfter: number[] = [];
  let closed = 0;
  const open = (after: number): LiveFeed => {
    const steps = [...(scripts[openedAfter.length] ?? [])];
    openedAfter.push(after);
    let stop: () => void = () => undefined;
    const stopped = new Promise<IteratorResult<RecordedEvent>>((resolve) => {
      stop = () => resolve({ done: true, value: undefined });
    });
    return {
      next: async () => {
        const step = steps.shift();
        if (step === undefined) return stopped;
        if (step === 'end') return { done: true, value: undefined };
        if (step instanceof Error) throw step;
        return { done: false, value: step };
      },
      close: async () => {
        closed += 1;
        stop();
      },
    };
  };
  return { open, openedAfter, closed: () => closed };
}

function follow(
  server: ReturnType<typeof scriptedServer>,
  after: number,
  handler: (batch: RecordedEvent[]) => Promise<void>,
  options: Partial<CatchUpOptions> = {},
) {
  const waits: number[] = [];
  const errors: unknown[] = [];
  const subscription = new EsdbCatchUpSubscription(server.open, after, handler, {
    batchSize: 100,
    initialBackoffMs: 100,
    maxBackoffMs: 250,
    onError: (error) => errors.push(error),
    wait: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
  return { subscription, waits, errors };
}

describe('EventStoreDB catch-up subscription', () => {
  it('reopens after a break from the last position handled, backing off 100, 200, 250, 250 ms', async () => {
    const down = () => new UnavailableError();
    const server = scriptedServer([
      [event(10), event(20), down()],
      [down()],
      [down()],
      [down()],
      [event(30), down()],
      [],
    ]);
    const delivered: number[] = [];
    const { subscription, waits, errors } = follow(server, 0, async (batch) => {
      delivered.push(...batch.map((e) => e.position));
    });
    await until(() => server.openedAfter.length === 6);
    await subscription.close();

    expect(delivered).toEqual([10, 20, 30]);
    expect(server.openedAfter).toEqual([0, 20, 20, 20, 20, 30]);
    // Doubling, capped at 250, and back to the start once an event got through.
    expect(waits).toEqual([100, 200, 250, 250, 100]);
    expect(errors).toHaveLength(5);
    expect(server.closed()).toBe(6); // every feed closed, the live one by close()
  });

  it('reopens when the server ends the subscription', async () => {
    const server = scriptedServer([[event(10), 'end'], [event(20)]]);
    const delivered: number[] = [];
    const { subscription, errors } = follow(server, 5, async (batch) => {
      delivered.push(...batch.map((e) => e.position));
    });
    await until(() => delivered.length === 2);
    await subscription.close();
    expect(server.openedAfter).toEqual([5, 10]);
    expect(String(errors[0])).toMatch(/ended the subscription/);
  });

  it('gives a failed handler the same batch again after a back-off, without reopening', async () => {
    const server = scriptedServer([[event(10), event(20)]]);
    const calls: number[][] = [];
    let failures = 2;
    const { subscription, waits } = follow(server, 0, async (batch) => {
      calls.push(batch.map((e) => e.position));
      if (failures-- > 0) throw new Error('projection hiccup');
    });
    await until(() => calls.length === 3);
    await subscription.close();
    expect(calls).toEqual([
      [10, 20],
      [10, 20],
      [10, 20],
    ]);
    expect(waits).toEqual([100, 200]);
    expect(server.openedAfter).toEqual([0]);
  });

  it('hands over what has arrived in batches of at most batchSize', async () => {
    const server = scriptedServer([[1, 2, 3, 4, 5].map(event)]);
    const batches: number[][] = [];
    const { subscription } = follow(
      server,
      0,
      async (batch) => {
        batches.push(batch.map((e) => e.position));
      },
      { batchSize: 2 },
    );
    await until(() => batches.flat().length === 5);
    await subscription.close();
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('close() waits for the handler in flight, then closes the feed and delivers nothing more', async () => {
    const server = scriptedServer([[event(10), event(20)]]);
    let release: () => void = () => undefined;
    let started = false;
    const handled: number[] = [];
    const { subscription } = follow(
      server,
      0,
      (batch) =>
        new Promise<void>((resolve) => {
          started = true;
          release = () => {
            handled.push(...batch.map((e) => e.position));
            resolve();
          };
        }),
      { batchSize: 1 },
    );
    await until(() => started);
    let closed = false;
    const closing = subscription.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(false); // still waiting for the handler
    release();
    await closing;
    expect(handled).toEqual([10]);
    expect(server.closed()).toBe(1);
  });
});

describe('EventStoreDB subscription through the adapter', () => {
  it('never hands over the checkpoint event again, even if the server includes it', async () => {
    const client = new FakeEsdbClient();
    const store = new EventStoreDbEventStore(client, { onSubscriptionError: () => undefined });
    const { recorded } = await store.append('process-1', events(3), 'no_stream');
    const checkpoint = recorded![1].position;
    // A server that resumes *at* the position rather than after it.
    const subscribe = client.subscribeToAll.bind(client);
    client.subscribeToAll = (options) => {
      const from = options.fromPosition as { commit: bigint };
      return subscribe({
        ...options,
        fromPosition: { commit: from.commit - 1n, prepare: from.commit - 1n },
      });
    };
    const delivered: number[] = [];
    const subscription = store.subscribeAll(checkpoint, async (batch) => {
      delivered.push(...batch.map((e) => e.position));
    });
    await until(() => delivered.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await subscription.close();
    expect(delivered).toEqual([recorded![2].position]);
  });

  it('resubscribes from the last handled position when the server goes away', async () => {
    const client = new FakeEsdbClient();
    const store = new EventStoreDbEventStore(client, {
      onSubscriptionError: () => undefined,
      maxBackoffMs: 20,
    });
    const delivered: number[] = [];
    const subscription = store.subscribeAll(0, async (batch) => {
      delivered.push(...batch.map((e) => e.position));
    });
    const first = await store.append('process-1', events(2), 'no_stream');
    await until(() => delivered.length === 2);
    client.breakSubscriptions(new UnavailableError());
    const second = await store.append('process-1', events(1), 1);
    await until(() => delivered.length === 3);
    await subscription.close();
    expect(delivered).toEqual([...first.recorded!.map((e) => e.position), second.lastPosition]);
    const resumed = client.subscribeCalls[1].fromPosition;
    expect(resumed).toEqual({
      commit: BigInt(first.lastPosition),
      prepare: BigInt(first.lastPosition),
    });
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
