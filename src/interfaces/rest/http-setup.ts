/**
 * Security headers, CORS, body parsing, input limits, error mapping and API docs for the HTTP
 * app. Callback routes read their body raw: its exact bytes decide what is a re-delivery, and
 * malformed JSON must reach the handler to be recorded as a rejection rather than dropped by a
 * parser.
 */
import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { CALLBACK_JSON_LIMITS, jsonLimitProblem } from '../../application/forms/json-limits';
import { containsNul, NUL_REFUSAL } from '../../application/forms/nul-characters';
import { ValidationError } from '../../domain/errors';
import { correlationIdOf } from './correlation-id';
import { ErrorFilter, toErrorBody } from './error.filter';
import { LOGGING, Logging } from './logging';
import { requestLogging } from './request-logging';
import { requestTracing } from './request-tracing';
import { TRACING, Tracing } from '../../application/ports/tracing';
import { MAX_JSON_BODY_BYTES, MeasuredRequest } from './input-limits';
import { processDetailFastPath } from './process-detail-fast-path';
import { RawBodyRequest } from './raw-body';
import { DEFAULT_POLL_DEFER_MS, WritePriority } from './write-priority';
import { DEFAULT_REQUEST_DEADLINE_MS, limitNodeServer, requestDeadline } from './request-deadline';

/** Callback and progress routes (their controller reads the body raw); case-sensitive like the
 * routes themselves (`case sensitive routing` below). */
export const CALLBACK_PATH = /^\/api\/processes\/[^/]+\/callback\//;

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface HttpOptions {
  /** Origins allowed to call from a browser; empty or absent = no CORS headers at all. */
  corsOrigins?: string[];
  /** Express's `trust proxy`: which proxies may tell the client address (rate limits). */
  trustProxy?: string | null;
  /** Longest a request may go unanswered (ms); then 408 (body not received) or 503. */
  requestDeadlineMs?: number;
  /** Longest a plain status poll waits for the writes in flight (POLL_DEFER_MS); 0: never. */
  pollDeferMs?: number;
}

const trustProxyValue = (raw: string): boolean | number | string =>
  raw === 'true' ? true : /^\d+$/.test(raw) ? Number(raw) : raw;

export const configureHttp = (app: INestApplication, options: HttpOptions = {}): void => {
  const server = app.getHttpAdapter().getInstance() as express.Express;
  // Express hashes every response body for a weak ETag; the routes that benefit set a strong one
  // of their own (the process detail: its revision) at no cost.
  server.set('etag', false);
  // Routes match as written: one spelling per route, so the raw-body exemption of callback
  // routes below and the route that reads the raw body can never disagree about a path.
  // Nest has made Express's router already (the setting is read once, when it is made), but adds
  // its routes only when the app starts: set the router's own flag so those routes are strict.
  server.set('case sensitive routing', true);
  (server.router as unknown as { caseSensitive: boolean }).caseSensitive = true;
  // First in line: a write counts from its first byte, and polls let it go ahead of them.
  const priority = new WritePriority(options.pollDeferMs ?? DEFAULT_POLL_DEFER_MS);
  app.use(priority.track);
  const deadlineMs = options.requestDeadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS;
  limitNodeServer(app.getHttpServer(), deadlineMs);
  app.use(requestDeadline(deadlineMs));
  if (options.trustProxy) server.set('trust proxy', trustProxyValue(options.trustProxy));
  // First of all: every answer, errors included, carries X-Request-Id, and with structured logs
  // whatever is logged while a request is handled names it (and the process it is about).
  // A span per request when tracing is on, as plain Express middleware: as Nest middleware
  // (`forRoutes('{*splat}')`) every request also paid Nest's route matching and proxy for it.
  // With request logging, the span rides on its scope and its 'close' listener.
  const logging = app.get<symbol, Logging | null>(LOGGING);
  const tracing = app.get<symbol, Tracing>(TRACING);
  if (logging) app.use(requestLogging(logging, tracing));
  else {
    app.use((req: Request, res: Response, next: NextFunction) => {
      correlationIdOf(req, res);
      next();
    });
    if (tracing.enabled) app.use(requestTracing(tracing));
  }
  app.use(helmet());
  if (options.corsOrigins?.length) {
    app.enableCors({
      origin: options.corsOrigins.includes('*') ? '*' : options.corsOrigins,
      methods: ['GET', 'POST', 'PUT'],
      allowedHeaders: [
        'Authorization',
        'X-API-Key',
        'Content-Type',
        'X-Request-Id',
        'X-Correlation-Id',
        'If-None-Match',
        'Last-Event-ID',
        'Idempotency-Key',
      ],
      exposedHeaders: ['ETag', 'X-Request-Id'],
    });
  }
  // Plain status polls, answered here once the headers above are set (see the file).
  app.use(processDetailFastPath(app, priority));
  const json = express.json({
    limit: MAX_JSON_BODY_BYTES,
    verify: (req, _res, buffer) => {
      (req as MeasuredRequest).bodyBytes = buffer.length;
      // Kept so that a raw-body route reached by a path the exemption missed still gets it.
      (req as RawBodyRequest).rawBody = buffer;
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) =>
    BODYLESS.has(req.method) || CALLBACK_PATH.test(req.path) ? next() : json(req, res, next),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    // The outer envelope, before anything walks the body recursively; routes narrow it further.
    const problem = jsonLimitProblem(req.body, CALLBACK_JSON_LIMITS);
    const refusal = problem
      ? new ValidationError(`Request body refused: ${problem}`)
      : containsNul(req.body)
        ? new ValidationError(NUL_REFUSAL)
        : null;
    if (!refusal) return next();
    res.status(400).json(toErrorBody(refusal));
  });
  // Parser errors happen before Nest's filters can see them: answer them the same way here.
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const answer = toErrorBody(error);
    res.status(answer.statusCode).json(answer);
  });
  app.useGlobalFilters(new ErrorFilter());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Baton')
      .setDescription(
        'Event-sourced workflow orchestrator with exactly-once callback steps. Authenticate with an API key (Authorization: Bearer or X-API-Key) or an OIDC bearer token.',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
};
