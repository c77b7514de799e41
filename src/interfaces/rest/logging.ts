/**
 * Structured logs (pino): one JSON object per line carrying the instance id, the request's
 * correlation id and, when known, the process id; or a human-readable rendering for a terminal.
 * Callback tokens travel in URL paths and API keys in headers, so request lines keep only
 * method, redacted path and status, and known secret fields are censored wherever they appear.
 *
 * Requests are logged by a middleware of our own (`request-logging.ts`) rather than pino-http:
 * pino-http builds child loggers (serialising the request) for every request and nestjs-pino
 * adds an AsyncLocalStorage scope of its own, which together cost about a quarter of the
 * server's CPU per process in the benchmark. nestjs-pino only adapts Nest's logger here.
 */
import { hostname } from 'node:os';
import { Logger as NestPinoLogger, Params, PinoLogger } from 'nestjs-pino';
import pino, { DestinationStream, Level, Logger as Pino } from 'pino';
import pretty from 'pino-pretty';
import { currentLogContext } from '../../application/observability/log-context';
import { LogFormat, LogLevel, RequestLogMode } from '../../config';

export interface LoggingOptions {
  level: LogLevel;
  format: LogFormat;
  instanceId: string;
  /** `errors` (default): only failed, aborted or slow requests get a line; `all`: every one. */
  requests?: RequestLogMode;
  /** Where lines go (default stdout); tests capture them here. */
  destination?: DestinationStream;
  /** `trace_id` / `span_id` of the current span when tracing is on (Tracing.logFields). */
  traceFields?: () => Record<string, string>;
}

/** The logger and what it is asked to log; AppModule's `logging` adapter. */
export interface Logging {
  logger: Pino;
  requests: RequestLogMode;
}

/** Provider token: the app's `Logging`, or null when it logs through Nest's logger only. */
export const LOGGING = Symbol('Logging');

const PINO_LEVELS: Record<LogLevel, Level> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

const REDACTED = '[REDACTED]';

const decoded = (segment: string): string => {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment.toLowerCase();
  }
};

/**
 * The token of a callback URL (`…/callback/<token>[/progress]`) never reaches a log, however the
 * path is spelled: any case, percent-encoded letters or slashes, matrix parameters, doubled
 * slashes. From the first segment that reads `callback…` on, every segment but `progress` goes.
 */
export const redactCallbackToken = (url: string): string => {
  const queryAt = url.search(/[?#]/);
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const segments = path.split('/');
  const at = segments.findIndex((s) => decoded(s).startsWith('callback'));
  if (at < 0) return url;
  const redacted = segments.map((segment, i) => {
    if (i < at || segment === '' || (i > at && decoded(segment) === 'progress')) return segment;
    if (i === at) return decoded(segment) === 'callback' ? segment : `callback${REDACTED}`;
    return REDACTED;
  });
  return redacted.join('/') + (queryAt < 0 ? '' : url.slice(queryAt));
};

/** Field names that hold secrets, censored at any depth pino can address. */
const SECRET_PATHS = [
  'token',
  '*.token',
  'callbackUrl',
  '*.callbackUrl',
  'progressUrl',
  '*.progressUrl',
  'apiKey',
  '*.apiKey',
  // Webhook signing secrets (never logged on purpose; this catches an accident).
  'secret',
  '*.secret',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
];

/** Health probes and scrapes every few seconds would drown everything else. */
export const QUIET_PATHS = /^\/(health|metrics)(\/|\?|$)/;

export const createLogging = (options: LoggingOptions): Logging => {
  const destination =
    options.destination ??
    (options.format === 'pretty'
      ? pretty({
          colorize: process.stdout.isTTY,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,instanceId,context',
          messageFormat: '{if context}[{context}] {end}{msg}',
        })
      : pino.destination(1));
  const { traceFields } = options;
  const logger = pino(
    {
      level: PINO_LEVELS[options.level],
      base: { pid: process.pid, hostname: hostname(), instanceId: options.instanceId },
      timestamp: pino.stdTimeFunctions.isoTime,
      // The request's or drive's correlation id and process of the work running now. A copy:
      // pino merges the line's own fields into what the mixin returns.
      mixin: traceFields
        ? () => ({ ...currentLogContext(), ...traceFields() })
        : () => ({ ...currentLogContext() }),
      redact: { paths: SECRET_PATHS, censor: REDACTED },
    },
    destination,
  );
  return { logger, requests: options.requests ?? 'errors' };
};

/** A Nest logger over the same pino instance, usable before the app (and its DI) exists. */
export const createNestLogger = (logging: Logging): NestPinoLogger => {
  const params: Params = { pinoHttp: { logger: logging.logger } };
  return new NestPinoLogger(new PinoLogger(params), params);
};
