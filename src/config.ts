/**
 * The one place environment variables are read (DESIGN §8). Bad values stop start-up with a
 * message naming the variable, rather than surfacing later as a confusing failure.
 */
import { createPublicKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { parseDigestEvery } from './application/ledger/ledger-settings';
import { ApiKeyEntry, parseApiKeyLines } from './domain/access/api-key-entries';
import {
  DEFAULT_OIDC_ALGORITHMS,
  OidcSettings,
  OidcUiSettings,
} from './domain/access/oidc-settings';
import { parseRoleMap } from './domain/access/role-map';
import { TracingConfig, WebhookConfig, tracingConfig, webhookConfig } from './integrations-config';
import { WorkersConfig, workersConfig } from './workers-config';

export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';
export type LogFormat = 'json' | 'pretty';
/** Which requests get a log line: failed, aborted or slow ones only, or every one. */
export type RequestLogMode = 'errors' | 'all';

export interface CallbackRefusalLimits {
  /** Refused callback attempts per process per window before it answers 429. */
  perProcess: number;
  /** Refused callback attempts per client address per window before it answers 429. */
  perAddress: number;
  windowMs: number;
}

export interface BatonConfig extends WorkersConfig {
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
  /**
   * The ownership session's liveness: a `SELECT 1` after this long idle, and the longest any
   * query on it may take before the instance counts the session lost and drops what it holds.
   */
  ownershipHeartbeat: { everyMs: number; timeoutMs: number };
  /** Partitions processes are spread over; every instance on one database must agree. */
  partitions: number;
  stepTimeoutMs: number;
  shutdownGraceMs: number;
  /** How long a callback on its way may go before its action's return is recorded (ms). */
  callbackGraceMs: number;
  maxDriveFailures: number;
  /** PostgreSQL: connecting, one statement, waiting for a lock (milliseconds). */
  pgConnectTimeoutMs: number;
  pgStatementTimeoutMs: number;
  pgLockTimeoutMs: number;
  /** API keys from API_KEYS and API_KEYS_FILE (hashes only). */
  apiKeys: ApiKeyEntry[];
  oidc: OidcSettings | null;
  /** Origins allowed to call the API from a browser; empty = CORS off. */
  corsOrigins: string[];
  /** Express's `trust proxy` (who may set X-Forwarded-For), or null for none. */
  trustProxy: string | null;
  /** Shared secrets of workflows whose callbacks must be signed (X-Baton-Signature). */
  callbackSecrets: Record<string, string>;
  callbackRefusalLimits: CallbackRefusalLimits;
  /** Heartbeat comments on idle event streams (SSE), in ms; 0 sends none. */
  feedHeartbeatMs: number;
  /** Longest any request goes unanswered (408 for a body still missing, else 503). */
  requestDeadlineMs: number;
  /** Longest a plain status poll waits for the writes in flight (write-priority.ts); 0: never. */
  pollDeferMs: number;
  /** Progress reports accepted per callback token: count and summed size; past either, 429. */
  progressLimits: { maxReports: number; maxBytes: number };
  /** Live event streams (SSE and GraphQL subscriptions together) one credential may hold open at once. */
  feedStreamsPerCredential: number;
  /** Quiet time after which a grown heap is collected and given back (idle-heap-release.ts); 0: never. */
  heapReleaseIdleMs: number;
  /** The ledger's signing key as configured (PEM and where it came from), or null. */
  ledgerSigningKey: { pem: string; source: string } | null;
  /** LEDGER_DIGEST_EVERY: a digest every this many events and/or seconds. */
  ledgerDigestEvery: { digestEveryEvents: number; digestEverySeconds: number };
  /** Webhook deliveries (WEBHOOK_*), see docs/webhooks.md. */
  webhooks: WebhookConfig;
  /** OpenTelemetry (OTEL_*), off unless an exporter is configured; see docs/tracing.md. */
  tracing: TracingConfig;
}

/**
 * A timeout shorter than the idle interval would count a session lost between two pings for
 * no reason other than the settings, so that combination stops start-up.
 */
const ownershipHeartbeat = (env: NodeJS.ProcessEnv): BatonConfig['ownershipHeartbeat'] => {
  const everyMs = positive(env, 'OWNERSHIP_HEARTBEAT_MS', 1000);
  const timeoutMs = positive(env, 'OWNERSHIP_HEARTBEAT_TIMEOUT_MS', 2500);
  if (timeoutMs <= everyMs)
    throw new Error(
      `OWNERSHIP_HEARTBEAT_TIMEOUT_MS (${timeoutMs}) must be longer than OWNERSHIP_HEARTBEAT_MS (${everyMs})`,
    );
  return { everyMs, timeoutMs };
};

const LOG_LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/** Meant for a callback already on its way: a second is long; past 10 s it holds drives up. */
const MAX_CALLBACK_GRACE_MS = 10_000;

const callbackGrace = (env: NodeJS.ProcessEnv): number => {
  const value = int(env, 'CALLBACK_GRACE_MS', 50);
  if (value > MAX_CALLBACK_GRACE_MS)
    throw new Error(`CALLBACK_GRACE_MS must be at most ${MAX_CALLBACK_GRACE_MS}, got ${value}`);
  return value;
};

export const int = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
};

export const positive = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
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

export const fileText = (name: string, file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${name}: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
};

const list = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

export const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);

const apiKeys = (env: NodeJS.ProcessEnv): ApiKeyEntry[] => [
  ...(env.API_KEYS ? parseApiKeyLines(env.API_KEYS, 'API_KEYS') : []),
  ...(env.API_KEYS_FILE
    ? parseApiKeyLines(fileText('API_KEYS_FILE', env.API_KEYS_FILE), 'API_KEYS_FILE')
    : []),
];

/** The operator UI's public client at the provider, when people sign in to the UI with it. */
const oidcUi = (env: NodeJS.ProcessEnv): OidcUiSettings | null => {
  const clientId = env.OIDC_UI_CLIENT_ID?.trim();
  if (!clientId) {
    if (env.OIDC_UI_SCOPES) throw new Error('OIDC_UI_SCOPES needs OIDC_UI_CLIENT_ID');
    return null;
  }
  if (clientId.length > 200 || /\s/.test(clientId))
    throw new Error('OIDC_UI_CLIENT_ID must be one client id (no spaces, at most 200 characters)');
  const scopes = list(env.OIDC_UI_SCOPES ?? 'openid profile');
  if (!scopes.includes('openid'))
    throw new Error(
      'OIDC_UI_SCOPES must include openid (the UI signs people in with OpenID Connect)',
    );
  return { clientId, scopes };
};

const oidc = (env: NodeJS.ProcessEnv): OidcSettings | null => {
  const issuer = env.OIDC_ISSUER;
  if (!issuer) {
    const orphan = ['OIDC_UI_CLIENT_ID', 'OIDC_ROLE_MAP'].find((name) => env[name]);
    if (orphan) throw new Error(`${orphan} needs OIDC_ISSUER`);
    return null;
  }
  const audience = env.OIDC_AUDIENCE;
  if (!audience) throw new Error('OIDC_AUDIENCE must be set with OIDC_ISSUER');
  const jwksUrl = url(env, 'OIDC_JWKS_URL');
  const publicKeyPem =
    env.OIDC_PUBLIC_KEY ||
    (env.OIDC_PUBLIC_KEY_FILE ? fileText('OIDC_PUBLIC_KEY_FILE', env.OIDC_PUBLIC_KEY_FILE) : null);
  if (!jwksUrl === !publicKeyPem)
    throw new Error(
      'OIDC_ISSUER needs exactly one of OIDC_JWKS_URL or OIDC_PUBLIC_KEY / OIDC_PUBLIC_KEY_FILE',
    );
  if (publicKeyPem) {
    try {
      createPublicKey(publicKeyPem);
    } catch {
      throw new Error('OIDC_PUBLIC_KEY / OIDC_PUBLIC_KEY_FILE must hold a PEM public key');
    }
  }
  const ui = oidcUi(env);
  // The browser discovers the provider from the issuer, so it must be a URL the browser can reach.
  if (ui && !/^https?:\/\//.test(issuer))
    throw new Error("OIDC_UI_CLIENT_ID needs OIDC_ISSUER to be the provider's http(s) URL");
  const algorithms = list(env.OIDC_ALGORITHMS);
  if (algorithms.some((a) => a.startsWith('HS') || a === 'none'))
    throw new Error(
      'OIDC_ALGORITHMS: only public-key algorithms (RS*, PS*, ES*, EdDSA) are accepted',
    );
  return {
    issuer,
    audience,
    jwksUrl,
    publicKeyPem,
    clockSkewSeconds: int(env, 'OIDC_CLOCK_SKEW_S', 60),
    rolesClaim: env.OIDC_ROLES_CLAIM || 'roles',
    userClaim: env.OIDC_USER_CLAIM || 'preferred_username',
    algorithms: algorithms.length > 0 ? algorithms : DEFAULT_OIDC_ALGORITHMS,
    roleMap: env.OIDC_ROLE_MAP ? parseRoleMap(env.OIDC_ROLE_MAP, 'OIDC_ROLE_MAP') : null,
    ui,
  };
};

const ledgerSigningKey = (env: NodeJS.ProcessEnv): BatonConfig['ledgerSigningKey'] => {
  if (env.LEDGER_SIGNING_KEY && env.LEDGER_SIGNING_KEY_FILE)
    throw new Error('set LEDGER_SIGNING_KEY or LEDGER_SIGNING_KEY_FILE, not both');
  if (env.LEDGER_SIGNING_KEY) return { pem: env.LEDGER_SIGNING_KEY, source: 'LEDGER_SIGNING_KEY' };
  if (env.LEDGER_SIGNING_KEY_FILE)
    return {
      pem: fileText('LEDGER_SIGNING_KEY_FILE', env.LEDGER_SIGNING_KEY_FILE),
      source: `LEDGER_SIGNING_KEY_FILE (${env.LEDGER_SIGNING_KEY_FILE})`,
    };
  return null;
};

/** `workflow=secret` pairs: callbacks to that workflow's processes must be signed with it. */
const callbackSecrets = (env: NodeJS.ProcessEnv): Record<string, string> => {
  const secrets: Record<string, string> = {};
  for (const pair of list(env.CALLBACK_HMAC_SECRETS)) {
    const at = pair.indexOf('=');
    const workflow = pair.slice(0, at);
    const secret = pair.slice(at + 1);
    if (at <= 0 || secret.length < 16)
      throw new Error(
        'CALLBACK_HMAC_SECRETS must be workflow=secret pairs, each secret at least 16 characters',
      );
    secrets[workflow] = secret;
  }
  return secrets;
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
  const production = env.NODE_ENV === 'production';
  const ansibleProxyUrl = url(env, 'ANSIBLE_PROXY_URL');
  const simulatorSetting = env.RUNNER_SIMULATOR ?? (ansibleProxyUrl || production ? 'off' : 'on');
  if (!['on', 'off'].includes(simulatorSetting))
    throw new Error('RUNNER_SIMULATOR must be "on" or "off"');
  if (production && simulatorSetting === 'on')
    throw new Error(
      'RUNNER_SIMULATOR=on with NODE_ENV=production: the bundled LSO simulator runs no playbook and is never started in production',
    );
  if (production && !ansibleProxyUrl)
    throw new Error(
      'NODE_ENV=production needs ANSIBLE_PROXY_URL (the LSO-compatible runner); the bundled simulator, which runs no playbook, is never started in production',
    );
  const keys = apiKeys(env);
  const oidcSettings = oidc(env);
  const credentialsConfigured = keys.length > 0 || oidcSettings !== null;
  // Without credentials only this machine may connect (npm start then prints an admin key).
  const host = env.HOST || (credentialsConfigured ? '0.0.0.0' : '127.0.0.1');
  if (!isLoopback(host) && !credentialsConfigured)
    throw new Error(
      `HOST=${host} is reachable from other machines, but no credentials are configured: set API_KEYS, API_KEYS_FILE or OIDC_ISSUER (README, "Security"), or listen on HOST=127.0.0.1`,
    );
  return {
    port,
    host,
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
    ownershipHeartbeat: ownershipHeartbeat(env),
    partitions: positive(env, 'RUNNER_PARTITIONS', 32),
    stepTimeoutMs: positive(env, 'STEP_TIMEOUT_MS', 60_000),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10_000),
    callbackGraceMs: callbackGrace(env),
    maxDriveFailures: positive(env, 'MAX_DRIVE_FAILURES', 5),
    pgConnectTimeoutMs: positive(env, 'PG_CONNECT_TIMEOUT_MS', 5000),
    pgStatementTimeoutMs: positive(env, 'PG_STATEMENT_TIMEOUT_MS', 30_000),
    pgLockTimeoutMs: positive(env, 'PG_LOCK_TIMEOUT_MS', 10_000),
    apiKeys: keys,
    oidc: oidcSettings,
    corsOrigins: list(env.CORS_ORIGINS),
    trustProxy: env.TRUST_PROXY || null,
    callbackSecrets: callbackSecrets(env),
    callbackRefusalLimits: {
      perProcess: int(env, 'CALLBACK_REFUSALS_PER_PROCESS', 20),
      perAddress: int(env, 'CALLBACK_REFUSALS_PER_ADDRESS', 60),
      windowMs: 60_000,
    },
    feedHeartbeatMs: int(env, 'FEED_HEARTBEAT_MS', 15_000),
    requestDeadlineMs: positive(env, 'REQUEST_DEADLINE_MS', 30_000),
    pollDeferMs: int(env, 'POLL_DEFER_MS', 10),
    feedStreamsPerCredential: positive(env, 'FEED_STREAMS_PER_CREDENTIAL', 5),
    heapReleaseIdleMs: int(env, 'HEAP_RELEASE_IDLE_MS', 2000),
    progressLimits: {
      maxReports: positive(env, 'CALLBACK_PROGRESS_MAX_REPORTS', 2000),
      maxBytes: positive(env, 'CALLBACK_PROGRESS_MAX_BYTES', 8 * 1024 * 1024),
    },
    ledgerSigningKey: ledgerSigningKey(env),
    ledgerDigestEvery: parseDigestEvery(env.LEDGER_DIGEST_EVERY),
    webhooks: webhookConfig(env),
    tracing: tracingConfig(env, instanceId),
    ...workersConfig(env),
  };
};

/** Nest logger levels at and above the configured one. */
export const logLevels = (level: LogLevel): LogLevel[] =>
  LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
