/**
 * All process events in global order, for downstream services: pages for catching up (live
 * streams then join ProcessChangeFeed). Pages read the store's global order (readAll), which
 * never shows a position while a smaller one can still appear, so "everything after the last
 * position I saw" loses nothing and repeats nothing, however many writers commit meanwhile.
 */
import { Inject, Injectable } from '@nestjs/common';
import { processStreamId } from '../../domain/process/events';
import { EVENT_STORE, EventStore } from '../ports/event-store';
import { FeedEvent, FeedFilter, matchesFilter, toFeedEvent } from './feed-event';

export interface FeedPageRequest extends FeedFilter {
  /** Exclusive: events with a position above it. */
  after: number;
  limit: number;
}

export interface FeedPage {
  events: FeedEvent[];
  /** Ask for `after=next` to go on: the last position this page looked at. */
  next: number;
  /** Nothing readable is left after `next` at the time of the answer. */
  caughtUp: boolean;
}

export const MAX_FEED_PAGE = 1000;
/** Filtered by type, a page reads at most this many events before answering anyway. */
const MAX_SCANNED_PER_PAGE = 10_000;
const SCAN_CHUNK = 1000;

@Injectable()
export class EventFeed {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  page(request: FeedPageRequest): Promise<FeedPage> {
    return request.processId === undefined
      ? this.pageOfAll(request)
      : this.pageOfProcess(request, request.processId);
  }

  private async pageOfAll(request: FeedPageRequest): Promise<FeedPage> {
    const events: FeedEvent[] = [];
    let next = request.after;
    let scanned = 0;
    while (scanned < MAX_SCANNED_PER_PAGE) {
      const wanted = request.types === undefined ? request.limit - events.length : SCAN_CHUNK;
      const chunk = await this.store.readAll({ after: next, limit: wanted });
      for (const recorded of chunk) {
        next = recorded.position;
        const event = toFeedEvent(recorded);
        if (event !== null && matchesFilter(event, request)) events.push(event);
        if (events.length === request.limit) return { events, next, caughtUp: false };
      }
      scanned += chunk.length;
      if (chunk.length < wanted) return { events, next, caughtUp: true };
    }
    return { events, next, caughtUp: false };
  }

  /**
   * One process: its stream, cut at the head a follower of the global order can read, so
   * `next` means the same as in an unfiltered page (positions within a stream grow with its
   * revisions, so nothing of this stream can appear at or below it later).
   */
  private async pageOfProcess(request: FeedPageRequest, processId: string): Promise<FeedPage> {
    const head = await this.store.headPosition();
    const stream = await this.store.readStream(processStreamId(processId));
    const events: FeedEvent[] = [];
    for (const recorded of stream) {
      if (recorded.position <= request.after || recorded.position > head) continue;
      const event = toFeedEvent(recorded);
      if (event === null || !matchesFilter(event, request)) continue;
      events.push(event);
      if (events.length === request.limit) {
        return { events, next: event.position, caughtUp: false };
      }
    }
    return { events, next: Math.max(request.after, head), caughtUp: true };
  }
}
