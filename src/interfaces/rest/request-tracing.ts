/**
 * A span per HTTP request, when tracing is on. It continues the caller's trace when the request
 * carries a W3C `traceparent`. Health probes and metric scrapes get none. The span is named by
 * method and route pattern, never by the raw path: a callback's path carries its token.
 *
 * Request logging opens and ends the span itself (`openRequestSpan`, `endRequestSpan`), in the
 * scope and on the 'close' listener it has anyway; `requestTracing` is the same span for a
 * service without request logging.
 */
import { NextFunction, Request, Response } from 'express';
import { OpenSpan, Tracing } from '../../application/ports/tracing';

/** Probes and scrapes, every few seconds from every instance: no span, or they bury the rest. */
const UNTRACED = /^\/(health|metrics)(\/|\?|$)/;

const ANSWERED_ROUTE = 'batonAnsweredRoute';

/**
 * Names the route pattern of a request answered ahead of Express's router (which is what
 * otherwise tells the span its route), e.g. the status-poll fast path.
 */
export const nameAnsweredRoute = (res: Response, pattern: string): void => {
  res.locals[ANSWERED_ROUTE] = pattern;
};

/** The request's span; undefined when tracing is off or the path is a probe or a scrape. */
export const openRequestSpan = (tracing: Tracing, req: Request): OpenSpan | undefined => {
  if (!tracing.enabled || UNTRACED.test(req.originalUrl)) return undefined;
  const incoming = req.headers.traceparent;
  return tracing.open(
    `HTTP ${req.method}`,
    { 'http.request.method': req.method },
    typeof incoming === 'string' ? { parent: incoming } : undefined,
  );
};

/** Ends the span once the response has closed: its route pattern and status are known then. */
export const endRequestSpan = (span: OpenSpan, req: Request, res: Response): void => {
  const route = (req.route as { path?: string } | undefined)?.path;
  span.setAttributes({
    'http.route':
      (res.locals[ANSWERED_ROUTE] as string | undefined) ??
      (`${req.baseUrl ?? ''}${route ?? ''}` || 'unmatched'),
    'http.response.status_code': res.statusCode,
  });
  span.end();
};

export const requestTracing =
  (tracing: Tracing) =>
  (req: Request, res: Response, next: NextFunction): void => {
    const span = openRequestSpan(tracing, req);
    if (span === undefined) return next();
    // An open span, ended when the response closes: no promise per request to wait for that.
    // 'close' comes once per response (after 'finish', or alone when the client went away).
    res.once('close', () => endRequestSpan(span, req, res));
    span.run(next);
  };
