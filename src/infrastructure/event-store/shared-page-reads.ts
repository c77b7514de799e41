import { RecordedEvent } from '../../application/ports/event-store';
import { ChangeSignal } from './change-signal';
import { FollowPage } from './polling-subscription';

/** Recent events kept for followers a little behind the newest read (about 10-20 MB of them). */
const DEFAULT_TAIL_EVENTS = 10_000;
/** A read at the tail's end fetches at least this many, whatever the follower asked for. */
const MIN_READ = 2000;

/**
 * Followers of the global order (the runner, the read-model lanes, the ledger, webhooks, the
 * live feed) are woken by the same append and each asks for the events after where it stands,
 * in pages of its own size: one statement each, each answer parsed again, for the same events.
 *
 * Two things make that one read per event:
 * - The tail: the events of the last reads, kept in memory while they are complete, i.e. every
 *   event between `floor` (exclusive) and `top` (inclusive) is in it. A read of the global order
 *   is complete up to its last event (a follower's read never shows position N+1 before N), so
 *   answers extend it as they come. A follower asking for events after a position inside that
 *   range gets them from memory; only one at the tail's end reads the store.
 * - In flight: a read at the tail's end asked for while one is under way joins it, but only if
 *   no change was signalled since that read started: a follower woken by a later append must
 *   see it, so it gets a read that started after the wake-up.
 */
export class SharedPageReads {
  private readonly inFlight = new Map<
    number,
    { version: number; limit: number; page: Promise<FollowPage> }
  >();
  private tail: RecordedEvent[] = [];
  private floor = 0;

  constructor(
    private readonly changes: ChangeSignal,
    private readonly read: (after: number, limit: number) => Promise<FollowPage>,
    private readonly tailEvents = DEFAULT_TAIL_EVENTS,
  ) {}

  readPage(after: number, limit: number): Promise<FollowPage> {
    const cached = this.fromTail(after, limit);
    if (cached) return Promise.resolve({ events: cached, heldBack: false });
    const version = this.changes.current;
    const shared = this.inFlight.get(after);
    if (shared !== undefined && shared.version === version && shared.limit >= limit)
      return cut(shared.page, limit);
    const readLimit = Math.max(limit, MIN_READ);
    const entry = { version, limit: readLimit, page: this.read(after, readLimit) };
    this.inFlight.set(after, entry);
    const done = (): void => {
      if (this.inFlight.get(after) === entry) this.inFlight.delete(after);
    };
    entry.page.then((page) => {
      done();
      this.extend(after, page.events);
    }, done);
    return cut(entry.page, limit);
  }

  /** The tail's events after `after` (at most `limit`), or undefined if it does not cover them. */
  private fromTail(after: number, limit: number): RecordedEvent[] | undefined {
    const tail = this.tail;
    if (tail.length === 0 || after < this.floor || after >= tail[tail.length - 1].position)
      return undefined;
    let low = 0;
    let high = tail.length; // first index whose position is beyond `after`
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (tail[middle].position <= after) low = middle + 1;
      else high = middle;
    }
    return tail.slice(low, low + limit);
  }

  /** Adds a complete answer (every event in (after, its last]) to the tail. */
  private extend(after: number, events: readonly RecordedEvent[]): void {
    if (events.length === 0) return;
    const tail = this.tail;
    const top = tail.length === 0 ? this.floor : tail[tail.length - 1].position;
    const last = events[events.length - 1].position;
    if (last <= top && tail.length > 0) return; // nothing new (an older or a repeated read)
    if (tail.length > 0 && after >= this.floor && after <= top) {
      for (const event of events) if (event.position > top) tail.push(event);
    } else {
      // Not contiguous with the tail (or it covers it): start again from this answer.
      this.floor = after;
      this.tail = [...events];
    }
    const excess = this.tail.length - this.tailEvents;
    if (excess > 0) {
      this.floor = this.tail[excess - 1].position;
      this.tail = this.tail.slice(excess);
    }
  }
}

/** Each follower gets its own array, at most `limit` long (events are never changed by them). */
const cut = async (page: Promise<FollowPage>, limit: number): Promise<FollowPage> => {
  const { events, heldBack } = await page;
  // A follower given a full page reads again at once; heldBack speaks for the whole read only.
  if (events.length > limit) return { events: events.slice(0, limit), heldBack: false };
  return { events: [...events], heldBack };
};
