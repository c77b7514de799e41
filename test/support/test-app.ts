/**
 * Starts the real Nest app over real HTTP on a free port, on the in-memory store, on a
 * PostgreSQL pool, or on an event store handed in (read models then in the pool), with a
 * scripted remote runner and a log capture (for secret scans).
 */
import { INestApplication, LoggerService, Module, Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { DestinationStream } from 'pino';
import { AppModule, BatonAdapters } from '../../src/app.module';
import { RuntimeConfig } from '../../src/application/ports/runtime-config';
import { InMemoryCheckpointStore } from '../../src/infrastructure/memory/in-memory-checkpoint-store';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';
import { InMemoryCallbackAuditStore } from '../../src/infrastructure/memory/in-memory-callback-audit';
import { InMemoryProcessSummaryStore } from '../../src/infrastructure/memory/in-memory-process-summaries';
import { InMemoryStepLogStore } from '../../src/infrastructure/memory/in-memory-step-log';
import { PgCheckpointStore } from '../../src/infrastructure/postgres/pg-checkpoint-store';
import { PgEventStore } from '../../src/infrastructure/postgres/pg-event-store';
import { PgCallbackAuditStore } from '../../src/infrastructure/postgres/pg-callback-audit';
import { PgTimerStore } from '../../src/infrastructure/postgres/pg-timer-store';
import { PgProcessSummaryStore } from '../../src/infrastructure/postgres/pg-process-summaries';
import { PgSchemaStatus } from '../../src/infrastructure/postgres/pg-schema-status';
import { ALL_MIGRATIONS } from '../../src/infrastructure/postgres/schema';
import { PgStepLogStore } from '../../src/infrastructure/postgres/pg-step-log';
import { PgLedgerStore } from '../../src/infrastructure/postgres/pg-ledger-store';
import { InMemoryLedgerStore } from '../../src/infrastructure/memory/in-memory-ledger-store';
import { TEST_LEDGER_KEY } from './ledger';
import { randomIds, systemClock } from '../../src/infrastructure/system';
import { configureHttp, HttpOptions } from '../../src/interfaces/rest/http-setup';
import { createLogging, createNestLogger } from '../../src/interfaces/rest/logging';
import { buildWorkflowRegistry } from './l2vpn-registry';
import { TEST_API_KEYS } from './auth';
import { ScriptedRemote } from './scripted-remote';

export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  private record =
    (level: string) =>
    (message: unknown, ...rest: unknown[]) => {
      this.lines.push(`${level} ${String(message)} ${rest.map(String).join(' ')}`);
    };
  log = this.record('log');
  error = this.record('error');
  warn = this.record('warn');
  debug = this.record('debug');
  verbose = this.record('verbose');
}

export interface TestApp {
  url: string;
  app: INestApplication;
  adapters: BatonAdapters;
  remote: ScriptedRemote;
  logs: CapturingLogger;
  close(): Promise<void>;
}

export interface TestAppOptions {
  pool?: Pool;
  adapters?: Partial<BatonAdapters>;
  /** Extra providers next to the app (for example query handlers a test supplies). */
  providers?: Provider[];
  /**
   * Log through the production's structured (pino, JSON) logger into this stream, at the most
   * verbose level and with every request, instead of the CapturingLogger. One such app per test
   * file: nestjs-pino keeps its (Nest) logger per process.
   */
  jsonLogs?: DestinationStream;
  /** Runs after the HTTP set-up, before the app listens (serving the UI, middleware first in line). */
  configure?: (app: INestApplication) => void;
  /** Merged into the default runtime settings (limits, callback secrets, …). */
  runtime?: Partial<RuntimeConfig>;
  http?: HttpOptions;
}

export const startTestApp = async (options: TestAppOptions = {}): Promise<TestApp> => {
  const remote = new ScriptedRemote();
  const logs = new CapturingLogger();
  const { pool } = options;
  // An event store handed in (EventStoreDB) is closed with the app like the default one.
  const eventStore =
    options.adapters?.eventStore ?? (pool ? new PgEventStore(pool) : new InMemoryEventStore());
  const adapters: BatonAdapters = {
    eventStore,
    checkpoints: pool ? new PgCheckpointStore(pool) : new InMemoryCheckpointStore(),
    timers: pool ? new PgTimerStore(pool) : (eventStore as InMemoryEventStore),
    summaries: pool ? new PgProcessSummaryStore(pool) : new InMemoryProcessSummaryStore(),
    callbackAudit: pool ? new PgCallbackAuditStore(pool) : new InMemoryCallbackAuditStore(),
    stepLog: pool ? new PgStepLogStore(pool) : new InMemoryStepLogStore(),
    clock: systemClock,
    ids: randomIds,
    http: remote,
    registry: buildWorkflowRegistry(),
    runtime: {
      publicUrl: 'http://placeholder',
      workflowSettings: { ANSIBLE_PROXY_URL: 'http://lso.test' },
      timerPollMs: 50,
      ...options.runtime,
    },
    schema: pool ? new PgSchemaStatus(pool, ALL_MIGRATIONS) : undefined,
    logging: options.jsonLogs
      ? createLogging({
          level: 'verbose',
          format: 'json',
          instanceId: 'test-instance',
          requests: 'all',
          destination: options.jsonLogs,
          traceFields: options.adapters?.tracing && (() => options.adapters!.tracing!.logFields()),
        })
      : undefined,
    auth: { apiKeys: TEST_API_KEYS, oidc: null },
    ledger: pool ? new PgLedgerStore(pool) : new InMemoryLedgerStore(),
    ledgerSettings: { signingKey: TEST_LEDGER_KEY, digestEveryEvents: 1, digestEverySeconds: 0 },
    ...options.adapters,
  };
  @Module({ imports: [AppModule.forRoot(adapters)], providers: options.providers ?? [] })
  class TestRootModule {}
  const app = await NestFactory.create(
    options.providers ? TestRootModule : AppModule.forRoot(adapters),
    {
      bodyParser: false,
      logger: adapters.logging ? createNestLogger(adapters.logging) : logs,
    },
  );
  configureHttp(app, options.http);
  options.configure?.(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  // Callback URLs must reach this app; the port is only known once it listens.
  adapters.runtime.publicUrl = url;
  return {
    url,
    app,
    adapters,
    remote,
    logs,
    close: async () => {
      await app.close();
      await eventStore.close();
    },
  };
};
