/**
 * The one place environment variables are read (DESIGN §8). Bad values stop start-up with a
 * message naming the variable, rather than surfacing later as a confusing failure.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';

export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';
export type LogFormat = 'json' | 'pretty';
/** Which requests get a log line: failed, aborted or slow ones only, or every one. */
export type RequestLogMode = 'errors' | 'all';

export interface BatonConfig {
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string | null;
  dataDir: string;
  /** Port of the embedded PostgreSQL (only used when DATABASE_URL is unset). */
  embeddedPostgresPort: number;
  eventstoreConnectionString: string | null;
  ansibleProxyUrl: string | null;
  /** Start the bundled LSO runner simulator (default: only when ANSIBLE_PROXY_URL is unset). */
  runnerSimulator: boolean;
  simulatorPort: number;
  logLevel: LogLevel;
  /** `json` (one object per line) or `pretty` (for a terminal). */
  logFormat: LogFormat;
  /** `LOG_REQUESTS`: `errors` (default) or `all`. */
  logRequests: RequestLogMode;
  /** Names this instance in logs (and to other instances); unique per running process. */
  instanceId: string;
  /** Readiness fails when a projection trails the store by more than this many ms. */
  readyMaxProjectionLagMs: number;
  timerPollMs: number;
  /** Processes whose folded state stays in memory (0 turns the cache off). */
  processCacheSize: number;
  /** How often each instance looks for free partitions: bounds a dead instance's takeover. */
  ownershipCheckMs: number;
  /** Partitions processes are spread over; every instance on one database must agree. */
  partitions: number;
  stepTimeoutMs: number;
  shutdownGraceMs: number;
  maxDriveFailures: number;
  /** PostgreSQL: connecting, one statement, waiting for a lock (milliseconds). */
  pgConnectTimeoutMs: number;
  pgStatementTimeoutMs: number;
  pgLockTimeoutMs: number;
  /** Heartbeat comments on idle event streams (SSE), in ms; 0 sends none. */
  feedHeartbeatMs: number;
}

const LOG_LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

const int = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
};

const positive = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const value = int(env, name, fallback);
  if (value === 0) throw new Error(`${name} must be at least 1`);
  return value;
};

const url = (env: NodeJS.ProcessEnv, name: string): string | null => {
  const raw = env[name];
  if (!raw) return null;
  try {
    new URL(raw);
  } catch {
    throw new Error(`${name} must be a URL, got "${raw}"`);
  }
  return raw.replace(/\/$/, '');
};

/** The schemes @eventstore/db-client 6 understands; anything else is a typo worth stopping for. */
const eventstoreConnectionString = (env: NodeJS.ProcessEnv): string | null => {
  const raw = env.EVENTSTORE_CONNECTION_STRING;
  if (!raw) return null;
  if (!/^esdb(\+discover)?:\/\//.test(raw)) {
    // Not echoed: a connection string may carry a password.
    throw new Error(
      'EVENTSTORE_CONNECTION_STRING must start with esdb:// or esdb+discover:// (for example esdb://localhost:2113?tls=false)',
    );
  }
  return raw;
};

/**
 * JSON unless asked otherwise, except for a person at a terminal outside production: that is
 * `npm start` on a laptop, where a human reads the lines.
 */
const logFormat = (env: NodeJS.ProcessEnv, interactive: boolean): LogFormat => {
  const raw = env.LOG_FORMAT;
  if (raw === undefined || raw === '')
    return interactive && env.NODE_ENV !== 'production' ? 'pretty' : 'json';
  if (raw !== 'json' && raw !== 'pretty') throw new Error('LOG_FORMAT must be "json" or "pretty"');
  return raw;
};

const logRequests = (env: NodeJS.ProcessEnv): RequestLogMode => {
  const raw = env.LOG_REQUESTS || 'errors';
  if (raw !== 'errors' && raw !== 'all') throw new Error('LOG_REQUESTS must be "errors" or "all"');
  return raw;
};

export const loadConfig = (
  env: NodeJS.ProcessEnv = process.env,
  interactive: boolean = process.stdout.isTTY === true,
): BatonConfig => {
  const port = int(env, 'PORT', 8080);
  const logLevel = (env.LOG_LEVEL ?? 'log') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel))
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const instanceId = env.INSTANCE_ID?.trim() || `${hostname()}-${randomUUID().slice(0, 8)}`;
  if (instanceId.length > 100) throw new Error('INSTANCE_ID must be at most 100 characters');
  const ansibleProxyUrl = url(env, 'ANSIBLE_PROXY_URL');
  const simulatorSetting = env.RUNNER_SIMULATOR ?? (ansibleProxyUrl ? 'off' : 'on');
  if (!['on', 'off'].includes(simulatorSetting))
    throw new Error('RUNNER_SIMULATOR must be "on" or "off"');
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    publicUrl: url(env, 'PUBLIC_URL') ?? `http://localhost:${port}`,
    databaseUrl: env.DATABASE_URL || null,
    dataDir: path.resolve(env.DATA_DIR ?? './data'),
    embeddedPostgresPort: int(env, 'EMBEDDED_POSTGRES_PORT', 54329),
    eventstoreConnectionString: eventstoreConnectionString(env),
    ansibleProxyUrl,
    runnerSimulator: simulatorSetting === 'on',
    simulatorPort: int(env, 'SIMULATOR_PORT', 8081),
    logLevel,
    logFormat: logFormat(env, interactive),
    logRequests: logRequests(env),
    instanceId,
    readyMaxProjectionLagMs: int(env, 'READY_MAX_PROJECTION_LAG_MS', 30_000),
    timerPollMs: int(env, 'TIMER_POLL_MS', 1000),
    processCacheSize: int(env, 'PROCESS_CACHE_SIZE', 1000),
    ownershipCheckMs: positive(env, 'OWNERSHIP_CHECK_MS', 2000),
    partitions: positive(env, 'RUNNER_PARTITIONS', 32),
    stepTimeoutMs: positive(env, 'STEP_TIMEOUT_MS', 60_000),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10_000),
    maxDriveFailures: positive(env, 'MAX_DRIVE_FAILURES', 5),
    pgConnectTimeoutMs: positive(env, 'PG_CONNECT_TIMEOUT_MS', 5000),
    pgStatementTimeoutMs: positive(env, 'PG_STATEMENT_TIMEOUT_MS', 30_000),
    pgLockTimeoutMs: positive(env, 'PG_LOCK_TIMEOUT_MS', 10_000),
    feedHeartbeatMs: int(env, 'FEED_HEARTBEAT_MS', 15_000),
  };
};

/** Nest logger levels at and above the configured one. */
export const logLevels = (level: LogLevel): LogLevel[] =>
  LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
