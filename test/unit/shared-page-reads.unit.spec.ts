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

  it('never shares another page, another limit, or a read that has finished', async () => {
    const { reads, pages } = setUp();
    const first = pages.readPage(10, 500);
    void pages.readPage(11, 500);
    void pages.readPage(10, 100);
    expect(reads).toHaveLength(3);
    reads[0].answer({ events: [], heldBack: false });
    await first;
    void pages.readPage(10, 500);
    expect(reads).toHaveLength(4);
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
