/**
 * Everything the service needs besides Nest itself, opened from configuration: the store
 * (external PostgreSQL, or the embedded one under DATA_DIR), migrations, the event store, the
 * bundled runner simulator when configured, credentials. One `close()` releases it all in
 * reverse order. Shared by the standalone service (server.ts) and BatonModule. A worker of a
 * supervisor (WORKERS > 1) is handed the database and simulator the supervisor started.
 */
import { Logger } from '@nestjs/common';
import { Pool } from 'pg';
import { BatonAdapters } from '../app.module';
import { BatonConfig } from '../config';
import { PROCESS_STREAM_PREFIX } from '../domain/process/events';
import { WorkflowRegistry } from '../domain/workflow/registry';
import { nodeHttpClient } from '../infrastructure/http/node-http-client';
import { openEventStore } from '../infrastructure/open-event-store';
import { raisePositionBaseIfBehind } from '../infrastructure/postgres/position-base';
import { runMigrations } from '../infrastructure/postgres/migrations';
import { PgCheckpointStore } from '../infrastructure/postgres/pg-checkpoint-store';
import { PgCallbackAuditStore } from '../infrastructure/postgres/pg-callback-audit';
import { PgProcessSummaryStore } from '../infrastructure/postgres/pg-process-summaries';
import { PgStepLogStore } from '../infrastructure/postgres/pg-step-log';
import { PgAdvisoryOwnership } from '../infrastructure/postgres/pg-advisory-ownership';
import { poolSettings } from '../infrastructure/postgres/pool-settings';
import { PgSchemaStatus } from '../infrastructure/postgres/pg-schema-status';
import { PgTimerStore } from '../infrastructure/postgres/pg-timer-store';
import { PgLedgerStore } from '../infrastructure/postgres/pg-ledger-store';
import { announcePublicKey, chooseLedgerKey } from '../infrastructure/ledger-keys';
import { PgWebhookStore } from '../infrastructure/postgres/pg-webhook-store';
import { webhookSecretBox } from '../infrastructure/webhooks/webhook-secret-key';
import { ALL_MIGRATIONS } from '../infrastructure/postgres/schema';
import { randomIds, systemClock } from '../infrastructure/system';
import { AuthSettings } from '../interfaces/auth/authenticator';
import { announceLocalAdminKey, ensureLocalAdminKey } from '../interfaces/auth/local-admin-key';
import { Logging } from '../interfaces/rest/logging';
import { startBundledSimulator, startEmbeddedDatabase } from './shared-services';
import { SupervisedWorker } from './cluster/supervised-worker';

export interface BatonResources {
  adapters: BatonAdapters;
  close(): Promise<void>;
}

export const openResources = async (
  config: BatonConfig,
  registry: WorkflowRegistry,
  logger: Logger,
  logging?: Logging,
  tracing?: BatonAdapters['tracing'],
  supervised?: SupervisedWorker | null,
): Promise<BatonResources> => {
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const closer of closers.reverse())
      await closer().catch((e: Error) => logger.error(e.message));
  };
  try {
    const auth = await authSettings(config, logger);
    const ledgerKey = await chooseLedgerKey(
      config.ledgerSigningKey,
      config.dataDir,
      !config.databaseUrl && process.env.NODE_ENV !== 'production',
    );
    for (const message of ledgerKey.messages) logger.log(message);
    if (ledgerKey.key) logger.log(announcePublicKey(ledgerKey.key));
    let databaseUrl = config.databaseUrl ?? supervised?.databaseUrl ?? null;
    if (!databaseUrl) {
      const embedded = await startEmbeddedDatabase(config, logger);
      closers.push(() => embedded.stop());
      databaseUrl = embedded.url;
    }
    const pool = new Pool(
      poolSettings(databaseUrl, config, supervised?.poolSize ?? config.pgPoolSize),
    );
    // An idle client losing its connection must not crash the service; the next query reports it.
    pool.on('error', (e) => logger.warn(`PostgreSQL connection lost: ${e.message}`));
    closers.push(() => pool.end());
    const applied = await runMigrations(pool, ALL_MIGRATIONS);
    if (applied.length > 0) logger.log(`applied migrations ${applied.join(', ')}`);
    const raise = await raisePositionBaseIfBehind(pool);
    if (raise) {
      logger.warn(
        `stored positions reach ${raise.highest} but new events would start at ` +
          `${raise.lowestNext} (a logical restore restarts transaction ids): position base ` +
          `raised from ${raise.from} to ${raise.to}`,
      );
    }

    const events = openEventStore(config.eventstoreConnectionString, pool, (e) =>
      logger.warn(`event subscription failed, retrying: ${describe(e)}`),
    );
    closers.push(() => events.close());
    const eventStore = events.store;
    if (config.eventstoreConnectionString) {
      // Fail now, with a clear message, rather than answer 503 to everything. A read of a stream
      // that does not exist is cheap; the head could mean scanning a long foreign log backwards.
      await eventStore
        .readStream(`${PROCESS_STREAM_PREFIX}start-up-probe`)
        .catch((error: unknown) => {
          throw new Error(
            `EventStoreDB (EVENTSTORE_CONNECTION_STRING) unreachable: ${describe(error)}`,
          );
        });
    }
    logger.log(`events in ${events.where}; read models and checkpoints in PostgreSQL`);

    const workflowSettings: Record<string, string | undefined> = {
      ANSIBLE_PROXY_URL: config.ansibleProxyUrl ?? undefined,
    };
    let simulatorUrl: string | null = supervised?.simulatorUrl ?? null;
    if (config.runnerSimulator && !simulatorUrl) {
      const simulator = await startBundledSimulator(config, logger);
      closers.push(() => simulator.stop());
      simulatorUrl = simulator.url;
    }
    if (simulatorUrl) workflowSettings.ANSIBLE_PROXY_URL = simulatorUrl;

    const webhookKey = await webhookSecretBox(
      config.webhooks.secretKey,
      config.dataDir,
      config.databaseUrl !== null,
    );
    logger.log(`webhook secrets sealed with the key from ${webhookKey.source}`);
    const adapters: BatonAdapters = {
      eventStore,
      timers: new PgTimerStore(pool),
      ownership: new PgAdvisoryOwnership(pool, {
        partitionCount: config.partitions,
        checkEveryMs: config.ownershipCheckMs,
        heartbeatMs: config.ownershipHeartbeat.everyMs,
        heartbeatTimeoutMs: config.ownershipHeartbeat.timeoutMs,
      }),
      checkpoints: new PgCheckpointStore(pool),
      summaries: new PgProcessSummaryStore(pool),
      callbackAudit: new PgCallbackAuditStore(pool),
      stepLog: new PgStepLogStore(pool),
      clock: systemClock,
      ids: randomIds,
      http: nodeHttpClient(),
      registry,
      runtime: {
        publicUrl: config.publicUrl,
        workflowSettings,
        timerPollMs: config.timerPollMs,
        maxProjectionLagMs: config.readyMaxProjectionLagMs,
        stepTimeoutMs: config.stepTimeoutMs,
        shutdownGraceMs: config.shutdownGraceMs,
        callbackGraceMs: config.callbackGraceMs,
        maxDriveFailures: config.maxDriveFailures,
        callbackSecrets: config.callbackSecrets,
        callbackRefusalLimits: config.callbackRefusalLimits,
        simulatorUrl,
        feedHeartbeatMs: config.feedHeartbeatMs,
        progressLimits: config.progressLimits,
        feedStreamsPerCredential: config.feedStreamsPerCredential,
        worker: supervised?.worker ?? null,
      },
      metricsCluster: supervised?.metrics,
      auth,
      processCacheSize: config.processCacheSize,
      schema: new PgSchemaStatus(pool, ALL_MIGRATIONS),
      positionBaseRaised: raise !== null,
      logging,
      ledger: new PgLedgerStore(pool),
      ledgerSettings: { signingKey: ledgerKey.key, ...config.ledgerDigestEvery },
      tracing,
      webhooks: {
        store: new PgWebhookStore(pool),
        secrets: webhookKey.box,
        allowLinkLocal: config.webhooks.allowLinkLocal,
        settings: {
          maxAttempts: config.webhooks.maxAttempts,
          timeoutMs: config.webhooks.timeoutMs,
          backoffBaseMs: config.webhooks.backoffBaseMs,
          backoffMaxMs: config.webhooks.backoffMaxMs,
          pollMs: config.webhooks.pollMs,
        },
      },
    };
    return { adapters, close };
  } catch (error) {
    await close();
    throw error;
  }
};

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Configured credentials, or (loopback only, see loadConfig) the local admin key, printed to the
 * terminal the one time it is made and never written to the log.
 */
const authSettings = async (config: BatonConfig, logger: Logger): Promise<AuthSettings> => {
  if (config.apiKeys.length > 0 || config.oidc) {
    logger.log(
      `authentication: ${config.apiKeys.length} API key(s)${config.oidc ? `, OIDC tokens from ${config.oidc.issuer}` : ''}`,
    );
    return { apiKeys: config.apiKeys, oidc: config.oidc };
  }
  const local = await ensureLocalAdminKey(config.dataDir);
  if (local.createdKey) process.stdout.write(announceLocalAdminKey(local.createdKey, local.file));
  else logger.log(`authentication: the local admin key (hash in ${local.file})`);
  return { apiKeys: local.entries, oidc: null };
};
