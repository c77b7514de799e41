/**
 * The live change feed behind `processChanged`: one store subscription for all followers, each
 * from the head at its subscribe time, with no gap and no repeat even when the shared
 * subscription has already passed that head, and a bound on what a slow follower may queue.
 */
import {
  FOLLOWER_QUEUE_CAPACITY,
  ProcessChangeFeed,
} from '../../src/application/feed/process-change-feed';
import { RecordedEvent } from '../../src/application/ports/event-store';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';
import { events } from '../support/event-store-fixtures';

const stream = (n: number) => `process-00000000-0000-4000-8000-00000000000${n}`;

/** Takes `count` events from a follower, failing after a generous deadline. */
const take = async (follower: AsyncIterator<RecordedEvent>, count: number) => {
  const taken: RecordedEvent[] = [];
  const deadline = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`only ${taken.length} of ${count} events`)), 10_000).unref(),
  );
  while (taken.length < count) {
    const next = await Promise.race([follower.next(), deadline]);
    if (next.done) break;
    taken.push(next.value);
  }
  return taken;
};

/** A store whose head answer can be held at an old value, as a slow headPosition() would be. */
class LaggingHeadStore extends InMemoryEventStore {
  staleHead: number | null = null;
  override async headPosition(): Promise<number> {
    return this.staleHead ?? super.headPosition();
  }
}

describe('ProcessChangeFeed', () => {
  let store: LaggingHeadStore;
  let feed: ProcessChangeFeed;

  beforeEach(() => {
    store = new LaggingHeadStore();
    feed = new ProcessChangeFeed(store);
  });
  afterEach(() => feed.onApplicationShutdown());

  it('starts each follower at the head and filters by process', async () => {
    await store.append(stream(1), events(2), 'no_stream');
    const all = await feed.follow();
    const one = await feed.follow('00000000-0000-4000-8000-000000000002');
    await store.append(stream(1), events(1), 1);
    await store.append(stream(2), events(2), 'no_stream');

    expect((await take(all, 3)).map((e) => [e.streamId, e.revision])).toEqual([
      [stream(1), 2],
      [stream(2), 0],
      [stream(2), 1],
    ]);
    expect((await take(one, 2)).map((e) => e.revision)).toEqual([0, 1]);
    expect(feed.followerCount).toBe(2);
  });

  it('reads what the shared subscription delivered before a follower joined, once each', async () => {
    const first = await feed.follow();
    await store.append(stream(1), events(3), 'no_stream');
    await take(first, 3); // the shared subscription is now at position 3
    store.staleHead = 1; // this follower's head was read before events 2 and 3
    const late = await feed.follow();
    store.staleHead = null;
    await store.append(stream(1), events(2), 2);

    expect((await take(late, 4)).map((e) => e.position)).toEqual([2, 3, 4, 5]);
    expect((await take(first, 2)).map((e) => e.position)).toEqual([4, 5]);
  });

  it('ends a follower that falls too far behind, and stops following when none is left', async () => {
    const slow = await feed.follow();
    for (let i = 0; i <= FOLLOWER_QUEUE_CAPACITY; i += 1)
      await store.append(stream(1), events(1), i === 0 ? 'no_stream' : i - 1);
    const deadline = Date.now() + 10_000;
    while (feed.followerCount > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(feed.followerCount).toBe(0);
    await expect(slow.next()).rejects.toThrow(/fell 1000 changes behind/);
  });

  it('forgets a follower whose consumer returns', async () => {
    const follower = await feed.follow();
    await follower.return!();
    expect(feed.followerCount).toBe(0);
    expect(await follower.next()).toEqual({ value: undefined, done: true });
  });
});
