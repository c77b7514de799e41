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

    it('appends and reads a stream back with revisions 0..n and global positions', async () => {
      const first = await store.append('s-1', [newEvent('A', { n: 1 })], 'no_stream');
      const next = await store.append('s-1', [newEvent('B', { n: 2 }), newEvent('C')], 0);

      expect(first).toEqual({ nextRevision: 0, lastPosition: 1 });
      expect(next).toEqual({ nextRevision: 2, lastPosition: 3 });
      const stream = await store.readStream('s-1');
      expect(stream.map((e) => [e.revision, e.position, e.type])).toEqual([
        [0, 1, 'A'],
        [1, 2, 'B'],
        [2, 3, 'C'],
      ]);
      expect(stream[0]).toMatchObject({
        streamId: 's-1',
        data: { n: 1 },
        metadata: newEvent().metadata,
      });
      expect(new Set(stream.map((e) => e.eventId)).size).toBe(3);
      expect(await store.readStream('unknown')).toEqual([]);
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
      expect(await store.readStream('s-1')).toHaveLength(2);
      expect(await store.readStream('s-2')).toEqual([]);
      expect(await store.headPosition()).toBe(2);
    });

    it('appends with any whatever the revision', async () => {
      await store.append('s-1', events(1), 'any');
      const result = await store.append('s-1', events(2), 'any');
      expect(result).toEqual({ nextRevision: 2, lastPosition: 3 });
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
      expect(all.map((e) => [e.streamId, e.revision, e.position])).toEqual([
        ['a', 0, 1],
        ['a', 1, 2],
        ['b', 0, 3],
        ['a', 2, 4],
        ['a', 3, 5],
      ]);
      const page = await store.readAll({ after: 2, limit: 2 });
      expect(page.map((e) => e.position)).toEqual([3, 4]);
      expect(await store.readAll({ after: 5, limit: 10 })).toEqual([]);
    });

    it('reports the head position, 0 when empty', async () => {
      expect(await store.headPosition()).toBe(0);
      await store.append('a', events(3), 'no_stream');
      expect(await store.headPosition()).toBe(3);
    });

    it('lets exactly one of 20 concurrent appends at the same revision win', async () => {
      await store.append('race', events(1), 'no_stream');
      const { fulfilled, rejected } = await outcomes(
        range(1, 20).map((writer) => store.append('race', [newEvent('Won', { writer })], 0)),
      );

      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(19);
      for (const error of rejected) expect(error).toBeInstanceOf(ConcurrencyError);
      expect(await store.readStream('race')).toHaveLength(2);
      expect(await store.headPosition()).toBe(2); // the losers left no gap
    });

    it('lets concurrent appends to different streams all succeed, gapless', async () => {
      const results = await Promise.all(
        range(1, 20).map((n) => store.append(`stream-${n}`, events(2), 'no_stream')),
      );
      const last = results.map((r) => r.lastPosition).sort((a, b) => a - b);
      expect(last).toEqual(range(1, 20).map((n) => n * 2));
      const all = await store.readAll({ after: 0, limit: 1000 });
      expect(all.map((e) => e.position)).toEqual(range(1, 40));
      // An append is contiguous in the global order: nothing interleaves inside it.
      for (let i = 0; i < all.length; i += 2) expect(all[i + 1].streamId).toBe(all[i].streamId);
    });

    it('delivers history then live events, in order, from a checkpoint', async () => {
      await store.append('a', events(3), 'no_stream');
      const collector = Collector.follow(store, 1);
      await collector.until(2);
      await store.append('b', events(2), 'no_stream');
      await store.append('a', events(1), 2);
      await collector.until(5);
      await collector.close();

      expect(collector.positions).toEqual([2, 3, 4, 5, 6]);
      expect(collector.events.map((e) => e.streamId)).toEqual(['a', 'a', 'b', 'b', 'a']);
    });

    it('stops delivering once closed', async () => {
      const collector = Collector.follow(store, 0);
      await store.append('a', events(1), 'no_stream');
      await collector.until(1);
      await collector.close();
      await store.append('a', events(1), 0);
      await delay(300);
      expect(collector.positions).toEqual([1]);
    });

    it('redelivers a batch whose handler failed', async () => {
      let failures = 1;
      const collector = Collector.follow(store, 0, async () => {
        if (failures-- > 0) throw new Error('handler hiccup');
      });
      await store.append('a', events(2), 'no_stream');
      await collector.until(2);
      await collector.close();
      expect(collector.positions).toEqual([1, 2]);
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

      expect(collector.positions).toEqual(range(1, 200));
      for (const w of range(1, 10)) {
        const mine = collector.events.filter((e) => e.streamId === `writer-${w}`);
        expect(mine.map((e) => e.revision)).toEqual(range(0, 19));
      }
    });
  });
}
