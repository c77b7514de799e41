/**
 * Live changes of processes for push clients (GraphQL's `processChanged`, the SSE event feed). Fed by the event
 * store's own subscription, never by polling a read model, so a follower sees every event in
 * global order and nothing that was not committed.
 *
 * One store subscription serves every follower: it starts when the first follower arrives
 * and stops when the last one leaves. Each follower starts at the store's head position at the
 * moment it subscribes; when the shared subscription has already delivered past that point,
 * the follower reads the gap itself before it joins the live stream, so nothing in between is
 * lost or repeated.
 */
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { processIdOfStream } from '../../domain/process/events';
import { EVENT_STORE, EventStore, RecordedEvent, Subscription } from '../ports/event-store';
import { BoundedEventQueue } from './bounded-event-queue';

/** Changes a follower may have outstanding before it is ended as too slow. */
export const FOLLOWER_QUEUE_CAPACITY = 1000;
const GAP_PAGE_SIZE = 500;

class Follower {
  /** Position of the last event handed on: nothing at or below it is handed on again. */
  last: number;
  /** Live events that arrived while the follower was still reading its gap. */
  held: RecordedEvent[] | null = null;

  constructor(
    start: number,
    readonly processId: string | undefined,
    readonly queue: BoundedEventQueue,
  ) {
    this.last = start;
  }

  /** A live event from the shared subscription. */
  offer(event: RecordedEvent): void {
    if (this.held) this.held.push(event);
    else this.handOn(event);
  }

  handOn(event: RecordedEvent): void {
    if (event.position <= this.last) return;
    this.last = event.position;
    if (this.processId === undefined || processIdOfStream(event.streamId) === this.processId)
      this.queue.push(event);
  }
}

@Injectable()
export class ProcessChangeFeed implements OnApplicationShutdown {
  private readonly logger = new Logger(ProcessChangeFeed.name);
  private readonly followers = new Set<Follower>();
  private subscription: Subscription | null = null;
  /** Bumped whenever the shared subscription stops, so a stopped one's last batch is dropped. */
  private generation = 0;
  /** Position of the last event the shared subscription delivered. */
  private delivered = 0;
  private readonly closing = new Set<Promise<void>>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Followers connected now (tests wait on it to know a subscription is in place). */
  get followerCount(): number {
    return this.followers.size;
  }

  /**
   * Every process event appended after `after` (default: from now on), of one process when
   * `processId` is given, in global order, until the returned iterator's `return()` is called.
   * A start far behind the head reads its gap into a queue of FOLLOWER_QUEUE_CAPACITY: callers
   * catch up by pages first (the SSE feed does) and join here near the head.
   */
  async follow(processId?: string, after?: number): Promise<AsyncIterableIterator<RecordedEvent>> {
    const head = await this.store.headPosition();
    const from = after ?? head;
    let follower: Follower | undefined = undefined;
    const queue = new BoundedEventQueue(FOLLOWER_QUEUE_CAPACITY, () => {
      if (follower) this.leave(follower);
    });
    follower = new Follower(from, processId, queue);
    this.followers.add(follower);
    if (!this.subscription) this.start(head);
    if (this.delivered > from) void this.readGap(follower, this.delivered);
    return queue;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const follower of [...this.followers]) void follower.queue.return();
    this.stop();
    await Promise.all(this.closing);
  }

  private start(from: number): void {
    const generation = this.generation;
    this.delivered = from;
    this.subscription = this.store.subscribeAll(from, async (events) => {
      if (generation !== this.generation) return;
      for (const follower of this.followers) for (const e of events) follower.offer(e);
      this.delivered = events[events.length - 1].position;
    });
  }

  private leave(follower: Follower): void {
    this.followers.delete(follower);
    if (this.followers.size === 0) this.stop();
  }

  private stop(): void {
    const subscription = this.subscription;
    if (!subscription) return;
    this.subscription = null;
    this.generation += 1;
    const closed = subscription
      .close()
      .catch((e: Error) => this.logger.warn(`closing the change subscription: ${e.message}`))
      .finally(() => this.closing.delete(closed));
    this.closing.add(closed);
  }

  /** Reads what the shared subscription delivered before this follower joined it. */
  private async readGap(follower: Follower, until: number): Promise<void> {
    follower.held = [];
    try {
      let after = follower.last;
      while (after < until) {
        const page = await this.store.readAll({ after, limit: GAP_PAGE_SIZE });
        if (page.length === 0) break;
        for (const e of page) follower.handOn(e);
        after = page[page.length - 1].position;
      }
      const held = follower.held ?? [];
      follower.held = null;
      for (const e of held) follower.handOn(e);
    } catch (error) {
      follower.held = null;
      follower.queue.fail(error);
    }
  }
}
