/**
 * Every request gets its correlation id (answered as `X-Request-Id`) and, for the lines logged
 * while it is handled, a log context naming it and the process its path names. One line per
 * request is written only when it says something: by default (`LOG_REQUESTS=errors`) a 4xx, a
 * 5xx, an aborted answer or one slower than SLOW_REQUEST_MS; `LOG_REQUESTS=all` logs them all.
 * A successful request thus costs one listener and one AsyncLocalStorage scope, no log line.
 * With tracing on, the request's span shares both: it is current in the same scope and ended
 * by the same listener.
 */
import { NextFunction, Request, Response } from 'express';
import { withLogContext } from '../../application/observability/log-context';
import { Tracing, noTracing } from '../../application/ports/tracing';
import { correlationIdOf, processIdOfPath } from './correlation-id';
import { Logging, QUIET_PATHS, redactCallbackToken } from './logging';
import { endRequestSpan, openRequestSpan } from './request-tracing';

/** Slower than this, a successful request is logged even with `LOG_REQUESTS=errors`. */
export const SLOW_REQUEST_MS = 1000;

type Level = 'info' | 'warn' | 'error';

const levelOf = (status: number, finished: boolean): Level =>
  status >= 500 ? 'error' : status >= 400 || !finished ? 'warn' : 'info';

/** Event streams stay open by design: their length says nothing about the service. */
const isStream = (res: Response): boolean =>
  String(res.getHeader('content-type') ?? '').startsWith('text/event-stream');

export const requestLogging =
  (logging: Logging, tracing: Tracing = noTracing) =>
  (req: Request, res: Response, next: NextFunction): void => {
    const correlationId = correlationIdOf(req, res);
    const processId = processIdOfPath(req.path);
    const log = processId ? { correlationId, processId } : { correlationId };
    if (QUIET_PATHS.test(req.path)) return withLogContext(log, next);
    const span = openRequestSpan(tracing, req);
    const started = performance.now();
    // 'close' follows 'finish', and also comes alone when the client went away first.
    res.once('close', () => {
      if (span) endRequestSpan(span, req, res);
      const responseTime = Math.round(performance.now() - started);
      const stream = isStream(res);
      // A stream ends by the client going away; anything else unfinished was cut short.
      const finished = res.writableFinished || stream;
      const level = levelOf(res.statusCode, finished);
      const slow = responseTime >= SLOW_REQUEST_MS && !stream;
      if (logging.requests !== 'all' && level === 'info' && !slow) return;
      const url = redactCallbackToken(req.originalUrl ?? req.url);
      logging.logger[level](
        {
          correlationId,
          ...(processId ? { processId } : {}),
          req: { method: req.method, url },
          res: { statusCode: res.statusCode },
          responseTime,
        },
        `${req.method} ${url} ${res.statusCode}${finished ? '' : ' (aborted)'}`,
      );
    });
    if (span) span.run(next, log);
    else withLogContext(log, next);
  };
