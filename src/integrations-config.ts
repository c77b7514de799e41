/**
 * Settings of the integrations (webhooks, OpenTelemetry), read by loadConfig with the rest of
 * the environment; kept apart so config.ts stays readable.
 */
import { fileText, positive } from './config';

export interface WebhookConfig {
  /** The key sealing webhook secrets (32 bytes), from WEBHOOK_SECRET_KEY or its file; null = a key file under DATA_DIR. */
  secretKey: string | null;
  maxAttempts: number;
  timeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  pollMs: number;
  allowLinkLocal: boolean;
}

export interface TracingConfig {
  /** OTLP over HTTP, or off. */
  enabled: boolean;
  /** OTLP traces endpoint (…/v1/traces); null = the SDK's own reading of OTEL_EXPORTER_OTLP_*. */
  endpoint: string | null;
  serviceName: string;
  instanceId: string;
}

const flag = (env: NodeJS.ProcessEnv, name: string): boolean => {
  const raw = (env[name] ?? '').toLowerCase();
  if (raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new Error(`${name} must be "true" or "false"`);
};

export const webhookConfig = (env: NodeJS.ProcessEnv): WebhookConfig => {
  if (env.WEBHOOK_SECRET_KEY && env.WEBHOOK_SECRET_KEY_FILE)
    throw new Error('set only one of WEBHOOK_SECRET_KEY and WEBHOOK_SECRET_KEY_FILE');
  const secretKey =
    env.WEBHOOK_SECRET_KEY ||
    (env.WEBHOOK_SECRET_KEY_FILE
      ? fileText('WEBHOOK_SECRET_KEY_FILE', env.WEBHOOK_SECRET_KEY_FILE)
      : null);
  return {
    secretKey,
    maxAttempts: positive(env, 'WEBHOOK_MAX_ATTEMPTS', 8),
    timeoutMs: positive(env, 'WEBHOOK_TIMEOUT_MS', 10_000),
    backoffBaseMs: positive(env, 'WEBHOOK_BACKOFF_MS', 1000),
    backoffMaxMs: positive(env, 'WEBHOOK_BACKOFF_MAX_MS', 300_000),
    pollMs: positive(env, 'WEBHOOK_POLL_MS', 2000),
    allowLinkLocal: flag(env, 'WEBHOOK_ALLOW_LINK_LOCAL'),
  };
};

/**
 * On when `TRACING=otlp`, or when an OTLP endpoint is set and TRACING is not `off`;
 * OTEL_SDK_DISABLED=true (the OpenTelemetry switch) always wins.
 */
export const tracingConfig = (env: NodeJS.ProcessEnv, instanceId: string): TracingConfig => {
  const mode = env.TRACING ?? '';
  if (!['', 'otlp', 'off'].includes(mode)) throw new Error('TRACING must be "otlp" or "off"');
  const endpoint =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || null;
  const enabled =
    !flag(env, 'OTEL_SDK_DISABLED') && (mode === 'otlp' || (mode === '' && endpoint !== null));
  return {
    enabled,
    endpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || null,
    serviceName: env.OTEL_SERVICE_NAME || 'baton',
    instanceId,
  };
};
