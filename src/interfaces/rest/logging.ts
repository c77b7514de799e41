/**
 * Structured logs (pino through nestjs-pino): one JSON object per line carrying the instance id,
 * the request's correlation id and, when known, the process id; or a human-readable rendering
 * for a terminal. Callback tokens travel in URL paths and API keys in headers, so request
 * lines keep only method, redacted path and status, and known secret fields are censored
 * wherever they appear.
 */
import { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { Logger as NestPinoLogger, Params, PinoLogger } from 'nestjs-pino';
import pino, { DestinationStream, Level } from 'pino';
import pretty from 'pino-pretty';
import { currentLogContext } from '../../application/observability/log-context';
import { LogFormat, LogLevel } from '../../config';
import { correlationIdOf } from './correlation-id';

export interface LoggingOptions {
  level: LogLevel;
  format: LogFormat;
  instanceId: string;
  /** Where lines go (default stdout); tests capture them here. */
  destination?: DestinationStream;
}

const PINO_LEVELS: Record<LogLevel, Level> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

const REDACTED = '[REDACTED]';

/** The token of a callback URL (`…/callback/<token>[/progress]`) never reaches a log. */
export const redactCallbackToken = (url: string): string =>
  url.replace(/(\/callback\/)[^/?#]+/, `$1${REDACTED}`);

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
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
];

/** Health probes and scrapes every few seconds would drown everything else. */
const QUIET_PATHS = /^\/(health|metrics)(\/|\?|$)/;

const requestSummary = (req: { method?: string; url?: string }) => ({
  method: req.method,
  url: redactCallbackToken(req.url ?? ''),
});

/** `GET /api/processes/… 200`: readable in either format, token redacted like the rest. */
const requestLine = (req: IncomingMessage, status: number): string =>
  `${req.method} ${redactCallbackToken((req as { originalUrl?: string }).originalUrl ?? req.url ?? '')} ${status}`;

export const createLoggingParams = (options: LoggingOptions): Params => {
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
  const logger = pino(
    {
      level: PINO_LEVELS[options.level],
      base: { pid: process.pid, hostname: hostname(), instanceId: options.instanceId },
      timestamp: pino.stdTimeFunctions.isoTime,
      // The process (and, for the runner, the correlation id) of the work running now.
      mixin: () => currentLogContext() ?? {},
      redact: { paths: SECRET_PATHS, censor: REDACTED },
    },
    destination,
  );
  return {
    pinoHttp: {
      logger,
      genReqId: (req, res) => correlationIdOf(req, res),
      // Lines logged inside a request carry its correlation id only, not the whole request.
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'correlationId' },
      autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.test(req.url ?? '') },
      customSuccessMessage: (req, res) => requestLine(req, res.statusCode),
      customErrorMessage: (req, res) => requestLine(req, res.statusCode),
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      serializers: {
        req: requestSummary,
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
};

/** A Nest logger over the same pino instance, usable before the app (and its DI) exists. */
export const createNestLogger = (params: Params): NestPinoLogger =>
  new NestPinoLogger(new PinoLogger(params), params);
