/**
 * The live event feed for downstream services (issue #6, point 4). `GET /api/events` answers a
 * JSON page, or with `Accept: text/event-stream` streams every event as it commits: SSE `id` is
 * the global position, `event` the type, `data` the event as JSON. A reconnecting client sends
 * `Last-Event-ID` (EventSource does it by itself) and gets exactly the events after it.
 */
import { Roles } from '../auth/access';
import {
  BeforeApplicationShutdown,
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
import { FeedFilter } from '../../application/feed/feed-event';
import { RUNTIME_CONFIG, RuntimeConfig } from '../../application/ports/runtime-config';
import { ValidationError } from '../../domain/errors';
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
export class EventsFeedController implements BeforeApplicationShutdown {
  private readonly streams = new Set<SseStream>();

  constructor(
    private readonly feed: EventFeed,
    @Inject(RUNTIME_CONFIG) private readonly runtime: RuntimeConfig,
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
    this.stream(req, res, streamStart(req, query.after), filter);
  }

  @Get('schema')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'JSON Schema of every event type the feed carries' })
  schema() {
    return eventFeedSchema();
  }

  beforeApplicationShutdown(): void {
    // Open streams would keep the HTTP server from closing.
    for (const stream of this.streams) stream.end();
  }

  private stream(req: Request, res: Response, after: number, filter: FeedFilter): void {
    const stream = new SseStream(
      req,
      res,
      this.runtime.feedHeartbeatMs ?? DEFAULT_FEED_HEARTBEAT_MS,
    );
    this.streams.add(stream);
    const subscription = this.feed.follow(after, filter, (events) =>
      stream.send(
        events.map((e) => ({ id: String(e.position), event: e.type, data: JSON.stringify(e) })),
      ),
    );
    stream.onEnd(() => {
      this.streams.delete(stream);
      void subscription.close();
    });
  }
}
