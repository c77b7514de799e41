import { ChangeSignal } from './change-signal';
import { FollowPage } from './polling-subscription';

/**
 * Followers of the global order (the runner, the read-model lanes, the ledger, webhooks) are
 * woken by the same append and, being caught up, ask for the same page at the same moment: one
 * statement each, with the same answer. A read asked for while an identical one is in flight
 * joins it instead, but only if no change was signalled since that read started: a follower
 * woken by a later append must see it, so it gets a read that started after the wake-up.
 * Pages are shared only while in flight, never kept.
 */
export class SharedPageReads {
  private readonly inFlight = new Map<string, { version: number; page: Promise<FollowPage> }>();

  constructor(
    private readonly changes: ChangeSignal,
    private readonly read: (after: number, limit: number) => Promise<FollowPage>,
  ) {}

  readPage(after: number, limit: number): Promise<FollowPage> {
    const key = `${after}/${limit}`;
    const version = this.changes.current;
    const shared = this.inFlight.get(key);
    if (shared !== undefined && shared.version === version) return ownCopy(shared.page);
    const entry = { version, page: this.read(after, limit) };
    this.inFlight.set(key, entry);
    const done = (): void => {
      if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
    };
    entry.page.then(done, done);
    return ownCopy(entry.page);
  }
}

/** Each follower gets its own array (the events themselves are never changed by followers). */
const ownCopy = async (page: Promise<FollowPage>): Promise<FollowPage> => {
  const { events, heldBack } = await page;
  return { events: [...events], heldBack };
};
