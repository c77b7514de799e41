import { ChangeSignal } from '../../src/infrastructure/event-store/change-signal';
import { FollowPage } from '../../src/infrastructure/event-store/polling-subscription';
import { SharedPageReads } from '../../src/infrastructure/event-store/shared-page-reads';
import { RecordedEvent } from '../../src/application/ports/event-store';

const event = (position: number): RecordedEvent => ({
  eventId: `e${position}`,
  streamId: 'process-1',
  revision: position,
  position,
  type: 'StepSkipped',
  data: {},
  metadata: {
    at: '2026-12-07T00:00:00.000Z',
    actor: 'test',
    correlationId: 'c1',
    causationId: null,
    schemaVersion: 1,
  },
});

describe('SharedPageReads', () => {
  const setUp = () => {
    const changes = new ChangeSignal();
    const reads: Array<{ after: number; limit: number; answer: (page: FollowPage) => void }> = [];
    const pages = new SharedPageReads(
      changes,
      (after, limit) => new Promise((answer) => reads.push({ after, limit, answer })),
    );
    return { changes, reads, pages };
  };

  it('lets followers asking for the same page while it is read share one read', async () => {
    const { reads, pages } = setUp();
    const first = pages.readPage(10, 500);
    const second = pages.readPage(10, 500);
    expect(reads).toHaveLength(1);
    reads[0].answer({ events: [event(11), event(12)], heldBack: false });
    const [a, b] = await Promise.all([first, second]);
    expect(a).toEqual({ events: [event(11), event(12)], heldBack: false });
    expect(b).toEqual(a);
    expect(a.events).not.toBe(b.events); // each its own array
  });

  it('reads again for a follower woken by a change signalled after the shared read began', async () => {
    const { changes, reads, pages } = setUp();
    void pages.readPage(10, 500);
    changes.notify();
    void pages.readPage(10, 500);
    expect(reads).toHaveLength(2);
  });

  it('never shares another page, a smaller read, or a read that has finished', async () => {
    const { reads, pages } = setUp();
    const first = pages.readPage(10, 500);
    void pages.readPage(11, 500);
    const larger = pages.readPage(10, 5000); // more than the read in flight fetches
    expect(reads).toHaveLength(3);
    reads[0].answer({ events: [], heldBack: false });
    reads[2].answer({ events: [], heldBack: false });
    await Promise.all([first, larger]);
    void pages.readPage(10, 500);
    expect(reads).toHaveLength(4);
  });

  it('reads at least a full page, and gives each follower no more than it asked for', async () => {
    const { reads, pages } = setUp();
    const small = pages.readPage(0, 2);
    const large = pages.readPage(0, 500);
    expect(reads).toHaveLength(1);
    expect(reads[0].limit).toBeGreaterThanOrEqual(500);
    reads[0].answer({ events: [event(1), event(2), event(3)], heldBack: true });
    // Cut short: the follower reads again at once, so "held back" is not its to act on.
    expect(await small).toEqual({ events: [event(1), event(2)], heldBack: false });
    expect(await large).toEqual({ events: [event(1), event(2), event(3)], heldBack: true });
  });

  it('answers followers behind the newest read from memory, without a statement', async () => {
    const { reads, pages } = setUp();
    const first = pages.readPage(10, 500);
    reads[0].answer({ events: [event(11), event(13), event(14)], heldBack: false });
    await first;
    expect(await pages.readPage(10, 500)).toEqual({
      events: [event(11), event(13), event(14)],
      heldBack: false,
    });
    expect((await pages.readPage(11, 500)).events).toEqual([event(13), event(14)]);
    expect((await pages.readPage(12, 1)).events).toEqual([event(13)]);
    expect(reads).toHaveLength(1);
    // At the newest event, or before what is known, only the store can answer.
    void pages.readPage(14, 500);
    void pages.readPage(9, 500);
    expect(reads.map((r) => r.after)).toEqual([10, 14, 9]);
  });

  it('extends what it keeps with each later read, and keeps no more than its size', async () => {
    const changes = new ChangeSignal();
    const reads: Array<{ after: number; answer: (page: FollowPage) => void }> = [];
    const pages = new SharedPageReads(
      changes,
      (after) => new Promise((answer) => reads.push({ after, answer })),
      3,
    );
    const first = pages.readPage(0, 500);
    reads[0].answer({ events: [event(1), event(2)], heldBack: false });
    await first;
    const second = pages.readPage(2, 500);
    reads[1].answer({ events: [event(3), event(4)], heldBack: false });
    await second;
    // Keeps 2..4 (3 events): after 1 is still known, after 0 is not any more.
    expect((await pages.readPage(1, 500)).events).toEqual([event(2), event(3), event(4)]);
    expect(reads).toHaveLength(2);
    void pages.readPage(0, 500);
    expect(reads).toHaveLength(3);
  });

  it('hands a failed read to everyone who shared it, and reads afresh next time', async () => {
    const changes = new ChangeSignal();
    let calls = 0;
    const pages = new SharedPageReads(changes, async () => {
      calls += 1;
      throw new Error('store down');
    });
    const both = [pages.readPage(1, 10), pages.readPage(1, 10)];
    for (const read of both) await expect(read).rejects.toThrow('store down');
    expect(calls).toBe(1);
    await expect(pages.readPage(1, 10)).rejects.toThrow('store down');
    expect(calls).toBe(2);
  });
});
