/**
 * The live event feed for downstream services (issue #6, point 4). `GET /api/events` answers a
 * JSON page, or with `Accept: text/event-stream` streams every event as it commits: SSE `id` is
 * the global position, `event` the type, `data` the event as JSON. A reconnecting client sends
 * `Last-Event-ID` (EventSource does it by itself) and gets exactly the events after it.
 *
 * A stream catches up by pages (at the client's pace), then joins the one store subscription
 * every live follower of this instance shares (ProcessChangeFeed, as GraphQL's
 * `processChanged`). A credential holds at most `feedStreamsPerCredential` streams at once, and
 * a stream opened with an expiring token (OIDC) ends when it expires.
 */
import { Roles } from '../auth/access';
import {
  OnModuleDestroy,
  Controller,
  Get,
  Header,
  Inject,
  Query,
  Req,
  Res,
  UsePipes,
} from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { EventFeed, FeedPage } from '../../application/feed/event-feed';
import { eventFeedSchema } from '../../application/feed/event-schema';
import {
  FeedEvent,
  FeedFilter,
  matchesFilter,
  toFeedEvent,
} from '../../application/feed/feed-event';
import { ProcessChangeFeed } from '../../application/feed/process-change-feed';
import { RUNTIME_CONFIG, RuntimeConfig } from '../../application/ports/runtime-config';
import { LiveStreamQuota, quotaExceeded } from '../live-stream-quota';
import { RateLimitedError, ValidationError } from '../../domain/errors';
import { AuthenticatedRequest } from '../auth/access';
import { EventFeedQueryDto } from './dto/event-feed.dto';
import { ErrorDto } from './dto/process.dto';
import { SseStream } from './sse-stream';
import { dtoValidation } from './validation';

/** Comment lines on an idle stream, so proxies do not close it (most give up after 30-60 s). */
export const DEFAULT_FEED_HEARTBEAT_MS = 15_000;

const wantsStream = (req: Request): boolean =>
  (req.headers.accept ?? '').toLowerCase().includes('text/event-stream');

/** Where a stream starts: Last-Event-ID (a reconnect) wins over `after` (the first connect). */
const streamStart = (req: Request, after: number | undefined): number => {
  const header = req.headers['last-event-id'];
  if (header === undefined || header === '') return after ?? 0;
  const value = Array.isArray(header) ? header[0] : header;
  if (!/^\d{1,16}$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) {
    throw new ValidationError('Last-Event-ID must be a global position (a non-negative integer)');
  }
  return Number(value);
};

@ApiTags('events')
// Auditors read the history of everything, live or paged.
@Roles('auditor')
@Controller('api/events')
@UsePipes(dtoValidation)
export class EventsFeedController implements OnModuleDestroy {
  private readonly streams = new Set<SseStream>();

  constructor(
    private readonly feed: EventFeed,
    private readonly changes: ProcessChangeFeed,
    @Inject(RUNTIME_CONFIG) private readonly runtime: RuntimeConfig,
    private readonly quota: LiveStreamQuota,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'All process events in global order: a JSON page, or a live SSE stream',
    description:
      'JSON: {events, next, caughtUp}; ask again with after=next. With Accept: text/event-stream: every event after `after` (or Last-Event-ID), then live ones; SSE id = position, event = type; comment heartbeats while idle.',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume a stream after it' })
  @ApiOkResponse({ description: '{events, next, caughtUp} or text/event-stream' })
  @ApiResponse({ status: 400, type: ErrorDto })
  async list(
    @Query() query: EventFeedQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const filter: FeedFilter = {
      types: query.type === undefined ? undefined : new Set(query.type),
      processId: query.processId,
    };
    if (!wantsStream(req)) {
      const page: FeedPage = await this.feed.page({
        ...filter,
        after: query.after ?? 0,
        limit: query.limit ?? 100,
      });
      res.json(page);
      return;
    }
    await this.stream(req, res, streamStart(req, query.after), filter);
  }

  @Get('schema')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'JSON Schema of every event type the feed carries' })
  schema() {
    return eventFeedSchema();
  }

  onModuleDestroy(): void {
    // Open streams would keep the HTTP server from closing, and Apollo's drain (GraphQLModule,
    // destroyed after this module) would wait 10 s for them: end them first of all.
    for (const stream of this.streams) stream.end();
  }

  private async stream(
    req: Request,
    res: Response,
    after: number,
    filter: FeedFilter,
  ): Promise<void> {
    const actor = (req as AuthenticatedRequest).actor;
    const release = this.quota.take(actor?.name ?? '');
    if (!release) throw new RateLimitedError(quotaExceeded(this.quota.limit));
    const stream = new SseStream(
      req,
      res,
      this.runtime.feedHeartbeatMs ?? DEFAULT_FEED_HEARTBEAT_MS,
    );
    this.streams.add(stream);
    // The credential was checked once, when the stream opened: it must not outlive its expiry.
    const expiry =
      actor?.validUntil !== undefined
        ? setTimeout(() => stream.end(), Math.max(0, actor.validUntil - Date.now()))
        : undefined;
    let live: AsyncIterableIterator<unknown> | undefined;
    stream.onEnd(() => {
      clearTimeout(expiry);
      this.streams.delete(stream);
      release();
      void live?.return?.();
    });
    try {
      const last = await this.catchUp(stream, after, filter);
      if (!stream.open) return;
      const changes = await this.changes.follow(filter.processId, last);
      live = changes;
      if (!stream.open) return void changes.return?.();
      for await (const recorded of changes) {
        const event = toFeedEvent(recorded);
        if (event !== null && matchesFilter(event, filter)) await stream.send([message(event)]);
      }
    } catch {
      // The store failed or the stream fell too far behind: the client resumes with Last-Event-ID.
    } finally {
      stream.end();
    }
  }

  /** Pages until caught up, each sent before the next is read: the client sets the pace. */
  private async catchUp(stream: SseStream, after: number, filter: FeedFilter): Promise<number> {
    let last = after;
    while (stream.open) {
      const page = await this.feed.page({ ...filter, after: last, limit: CATCH_UP_PAGE });
      if (page.events.length > 0) await stream.send(page.events.map(message));
      last = page.next;
      if (page.caughtUp) break;
    }
    return last;
  }
}

const CATCH_UP_PAGE = 500;

const message = (e: FeedEvent) => ({
  id: String(e.position),
  event: e.type,
  data: JSON.stringify(e),
});
