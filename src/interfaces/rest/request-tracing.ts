/**
 * A span per HTTP request, when tracing is on. It continues the caller's trace when the request
 * carries a W3C `traceparent`. Health probes and metric scrapes get none. The span is named by method and route pattern, never by the raw
 * path: a callback's path carries its token.
 */
import { NextFunction, Request, Response } from 'express';
import { Tracing } from '../../application/ports/tracing';

/** Probes and scrapes, every few seconds from every instance: no span, or they bury the rest. */
const UNTRACED = /^\/(health|metrics)(\/|$)/;

const ANSWERED_ROUTE = 'batonAnsweredRoute';

/**
 * Names the route pattern of a request answered ahead of Express's router (which is what
 * otherwise tells the span its route), e.g. the status-poll fast path.
 */
export const nameAnsweredRoute = (res: Response, pattern: string): void => {
  res.locals[ANSWERED_ROUTE] = pattern;
};

export const requestTracing =
  (tracing: Tracing) =>
  (req: Request, res: Response, next: NextFunction): void => {
    if (UNTRACED.test(req.originalUrl)) return next();
    const incoming = req.headers.traceparent;
    // An open span, ended when the response closes: no promise per request to wait for that.
    const span = tracing.open(
      `HTTP ${req.method}`,
      { 'http.request.method': req.method },
      typeof incoming === 'string' ? { parent: incoming } : undefined,
    );
    // 'close' comes once per response (after 'finish', or alone when the client went away).
    res.on('close', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      span.setAttributes({
        'http.route':
          (res.locals[ANSWERED_ROUTE] as string | undefined) ??
          (`${req.baseUrl ?? ''}${route ?? ''}` || 'unmatched'),
        'http.response.status_code': res.statusCode,
      });
      span.end();
    });
    span.run(next);
  };
