import { EventStore } from '../../src/application/ports/event-store';
import { ConcurrencyError } from '../../src/application/ports/store-errors';
import {
  Collector,
  delay,
  events,
  expectConflict,
  newEvent,
  outcomes,
  range,
} from './event-store-fixtures';

export interface EventStoreFixture {
  store: EventStore;
  teardown(): Promise<void>;
}

/**
 * What every EventStore adapter must do, run against each of them. A fresh, empty store per
 * test keeps positions predictable.
 */
export function describeEventStoreContract(
  name: string,
  factory: () => Promise<EventStoreFixture>,
): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let fixture: EventStoreFixture;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });
    afterEach(async () => {
      await store.close();
      await fixture.teardown();
    });

    it('appends and reads a stream back with revisions 0..n and increasing global positions', async () => {
      const first = await store.append('s-1', [newEvent('A', { n: 1 })], 'no_stream');
      const next = await store.append('s-1', [newEvent('B', { n: 2 }), newEvent('C')], 0);

      expect(first.nextRevision).toBe(0);
      expect(next.nextRevision).toBe(2);
      expect(first.lastPosition).toBeGreaterThanOrEqual(1);
      expect(next.lastPosition).toBeGreaterThan(first.lastPosition);
      const stream = await store.readStream('s-1');
      expect(stream.map((e) => [e.revision, e.type])).toEqual([
        [0, 'A'],
        [1, 'B'],
        [2, 'C'],
      ]);
      // Positions increase but need not be consecutive (EventStoreDB's are byte offsets).
      expect(stream[0].position).toBe(first.lastPosition);
      expect(stream[1].position).toBeGreaterThan(first.lastPosition);
      expect(stream[2].position).toBeGreaterThan(stream[1].position);
      expect(stream[2].position).toBe(next.lastPosition);
      expect(stream[0]).toMatchObject({
        streamId: 's-1',
        data: { n: 1 },
        metadata: newEvent().metadata,
      });
      expect(new Set(stream.map((e) => e.eventId)).size).toBe(3);
      expect(await store.readStream('unknown')).toEqual([]);
    });

    it('hands back the recorded events of an append, as a later read shows them', async () => {
      await store.append('s-1', events(1), 'no_stream');
      const result = await store.append('s-1', [newEvent('B', { n: 2 }), newEvent('C')], 0);
      if (result.recorded === undefined) return; // optional in the port; PostgreSQL provides it
      expect(result.recorded).toEqual((await store.readStream('s-1')).slice(1));
    });

    it('reads a stream from a revision on', async () => {
      await store.append('s-1', events(4), 'no_stream');
      const tail = await store.readStream('s-1', { fromRevision: 2 });
      expect(tail.map((e) => e.revision)).toEqual([2, 3]);
      expect(await store.readStream('s-1', { fromRevision: 4 })).toEqual([]);
      await expect(store.readStream('s-1', { fromRevision: -1 })).rejects.toBeInstanceOf(
        RangeError,
      );
    });

    it('refuses no_stream for a stream that exists', async () => {
      await store.append('s-1', events(1), 'no_stream');
      const error = await expectConflict(store.append('s-1', events(1), 'no_stream'));
      expect(error).toMatchObject({ streamId: 's-1', expected: 'no_stream', actual: '0' });
    });

    it('refuses a numeric expected revision that does not hold, and writes nothing', async () => {
      await store.append('s-1', events(2), 'no_stream');
      await expectConflict(store.append('s-1', events(1), 0));
      await expectConflict(store.append('s-1', events(1), 5));
      await expectConflict(store.append('s-2', events(1), 0));
      const stored = await store.readStream('s-1');
      expect(stored).toHaveLength(2);
      expect(await store.readStream('s-2')).toEqual([]);
      expect(await store.headPosition()).toBe(stored[1].position);
    });

    it('appends with any whatever the revision', async () => {
      await store.append('s-1', events(1), 'any');
      const result = await store.append('s-1', events(2), 'any');
      expect(result.nextRevision).toBe(2);
      expect(result.lastPosition).toBe(await store.headPosition());
    });

    it('lets concurrent appends with any all land, each revision once', async () => {
      await Promise.all(range(1, 10).map(() => store.append('shared', events(1), 'any')));
      const stream = await store.readStream('shared');
      expect(stream.map((e) => e.revision)).toEqual(range(0, 9));
    });

    it('rejects more events in one append than the store can number, writing nothing', async () => {
      await expect(store.append('big', events(1001), 'any')).rejects.toBeInstanceOf(RangeError);
      expect(await store.readStream('big')).toEqual([]);
    });

    it('rejects an empty append as a caller error, not a conflict', async () => {
      await expect(store.append('s-1', [], 'any')).rejects.toBeInstanceOf(RangeError);
      expect(await store.headPosition()).toBe(0);
    });

    it('reads all events in global order, after a position, up to a limit', async () => {
      await store.append('a', events(2), 'no_stream');
      await store.append('b', events(1), 'no_stream');
      await store.append('a', events(2), 1);

      const all = await store.readAll({ after: 0, limit: 100 });
      expect(all.map((e) => [e.streamId, e.revision])).toEqual([
        ['a', 0],
        ['a', 1],
        ['b', 0],
        ['a', 2],
        ['a', 3],
      ]);
      expectIncreasing(all.map((e) => e.position));
      const page = await store.readAll({ after: all[1].position, limit: 2 });
      expect(page.map((e) => e.position)).toEqual([all[2].position, all[3].position]);
      expect(await store.readAll({ after: all[4].position, limit: 10 })).toEqual([]);
    });

    it('reports the head position, 0 when empty', async () => {
      expect(await store.headPosition()).toBe(0);
      const { lastPosition } = await store.append('a', events(3), 'no_stream');
      expect(await store.headPosition()).toBe(lastPosition);
    });

    it('lets exactly one of 20 concurrent appends at the same revision win', async () => {
      await store.append('race', events(1), 'no_stream');
      const { fulfilled, rejected } = await outcomes(
        range(1, 20).map((writer) => store.append('race', [newEvent('Won', { writer })], 0)),
      );

      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(19);
      for (const error of rejected) expect(error).toBeInstanceOf(ConcurrencyError);
      const stored = await store.readStream('race');
      expect(stored).toHaveLength(2);
      expect(await store.headPosition()).toBe(stored[1].position); // the losers left nothing
    });

    it('lets concurrent appends to different streams all succeed, each contiguous', async () => {
      const results = await Promise.all(
        range(1, 20).map((n) => store.append(`stream-${n}`, events(2), 'no_stream')),
      );
      const all = await store.readAll({ after: 0, limit: 1000 });
      expect(all).toHaveLength(40);
      expectIncreasing(all.map((e) => e.position));
      expect(new Set(all.map((e) => e.position)).size).toBe(40);
      expect(results.map((r) => r.lastPosition).sort((a, b) => a - b)).toEqual(
        all.filter((_, i) => i % 2 === 1).map((e) => e.position),
      );
      // An append is contiguous in the global order: nothing interleaves inside it.
      for (let i = 0; i < all.length; i += 2) expect(all[i + 1].streamId).toBe(all[i].streamId);
    });

    it('delivers history then live events, in order, from a checkpoint', async () => {
      await store.append('a', events(3), 'no_stream');
      const history = await store.readAll({ after: 0, limit: 10 });
      const collector = Collector.follow(store, history[0].position);
      await collector.until(2);
      await store.append('b', events(2), 'no_stream');
      await store.append('a', events(1), 2);
      await collector.until(5);
      await collector.close();

      const all = await store.readAll({ after: 0, limit: 10 });
      expect(collector.positions).toEqual(all.slice(1).map((e) => e.position));
      expect(collector.events.map((e) => e.streamId)).toEqual(['a', 'a', 'b', 'b', 'a']);
    });

    it('stops delivering once closed', async () => {
      const collector = Collector.follow(store, 0);
      await store.append('a', events(1), 'no_stream');
      await collector.until(1);
      await collector.close();
      await store.append('a', events(1), 0);
      await delay(300);
      expect(collector.events.map((e) => e.revision)).toEqual([0]);
    });

    it('redelivers a batch whose handler failed', async () => {
      let failures = 1;
      const collector = Collector.follow(store, 0, async () => {
        if (failures-- > 0) throw new Error('handler hiccup');
      });
      await store.append('a', events(2), 'no_stream');
      await collector.until(2);
      await collector.close();
      const all = await store.readAll({ after: 0, limit: 10 });
      expect(collector.positions).toEqual(all.map((e) => e.position));
    });

    it('gives a follower every event exactly once, in order, while 10 writers race', async () => {
      const collector = Collector.follow(store, 0, () => delay(Math.random() * 3));
      const writer = async (w: number): Promise<void> => {
        for (let revision = -1; revision < 19; revision += 2) {
          const expected = revision < 0 ? 'no_stream' : revision;
          await store.append(`writer-${w}`, events(2), expected);
        }
      };
      await Promise.all(range(1, 10).map(writer));
      await collector.until(200);
      await collector.close();

      const all = await store.readAll({ after: 0, limit: 1000 });
      expect(all).toHaveLength(200);
      expect(collector.positions).toEqual(all.map((e) => e.position));
      expectIncreasing(collector.positions);
      for (const w of range(1, 10)) {
        const mine = collector.events.filter((e) => e.streamId === `writer-${w}`);
        expect(mine.map((e) => e.revision)).toEqual(range(0, 19));
      }
    });
  });
}

function expectIncreasing(positions: number[]): void {
  positions.forEach((position, index) => {
    if (index > 0) expect(position).toBeGreaterThan(positions[index - 1]);
  });
}
