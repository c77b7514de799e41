/**
 * Wiring only. Adapters are built outside (main.ts, tests) and handed in, so the same module
 * runs on PostgreSQL, EventStoreDB or in memory, and the caller owns their lifecycle.
 */
import { DynamicModule, Inject, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { CallbackRefusalLimiter } from './application/callbacks/refusal-limiter';
import { ReceiveCallbackHandler } from './application/commands/receive-callback';
import { ReportProgressHandler } from './application/commands/report-progress';
import { ResumeProcessHandler } from './application/commands/resume-process';
import {
  AbortProcessHandler,
  RetryProcessHandler,
} from './application/commands/retry-abort-process';
import { StartProcessHandler } from './application/commands/start-process';
import { CHECKPOINT_STORE, CheckpointStore } from './application/ports/checkpoint-store';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from './application/ports/clock';
import { EVENT_STORE, EventStore } from './application/ports/event-store';
import { HTTP_CLIENT, HttpClient } from './application/ports/http-client';
import { METRICS } from './application/ports/metrics';
import {
  SCHEMA_STATUS,
  SchemaStatus,
  schemaAlwaysCurrent,
} from './application/ports/schema-status';
import { CALLBACK_AUDIT_STORE, CallbackAuditStore } from './application/ports/callback-audit';
import { PROCESS_SUMMARY_STORE, ProcessSummaryStore } from './application/ports/process-summaries';
import { STEP_LOG_STORE, StepLogStore } from './application/ports/step-log';
import { RUNTIME_CONFIG, RuntimeConfig } from './application/ports/runtime-config';
import { TIMER_STORE, TimerStore } from './application/ports/timer-store';
import { WORK_OWNERSHIP, WorkOwnership } from './application/ports/work-ownership';
import { SoleOwnership } from './application/ownership/sole-ownership';
import { RuntimeEvents } from './application/runtime-events';
import { RuntimeMetrics } from './application/observability/runtime-metrics';
import { ProcessParker } from './application/runner/process-parker';
import { TimerSweep } from './application/runner/timer-sweep';
import {
  DEFAULT_PROCESS_CACHE_SIZE,
  PROCESS_CACHE_SIZE,
  ProcessRepository,
} from './application/process/process-repository';
import { LedgerProjection } from './application/ledger/ledger-projection';
import { LedgerQueries } from './application/ledger/ledger-queries';
import {
  LEDGER_SETTINGS,
  LedgerSettings,
  parseDigestEvery,
} from './application/ledger/ledger-settings';
import { LEDGER_STORE, LedgerStore } from './application/ports/ledger-store';
import { InMemoryLedgerStore } from './infrastructure/memory/in-memory-ledger-store';
import { LedgerController } from './interfaces/rest/ledger.controller';
import { CallbackAuditProjection } from './application/projections/callback-audit.projection';
import { OnlineRebuilds } from './application/projections/online-rebuild';
import { ProcessSummaryProjection } from './application/projections/process-summary.projection';
import { PROJECTIONS, Projection } from './application/projections/projection';
import { ProjectionRunner } from './application/projections/projection-runner';
import { StepLogProjection } from './application/projections/step-log.projection';
import { EventFeed } from './application/feed/event-feed';
import { SubscriberLag } from './application/health/subscriber-lag';
import {
  GetProcessAuditHandler,
  VerifyProcessHistoryHandler,
} from './application/queries/history-queries';
import { GetWorkflowHandler, ListWorkflowsHandler } from './application/queries/list-workflows';
import {
  GetProcessEventsHandler,
  GetProcessHandler,
  GetStateAtRevisionHandler,
  ListProcessesHandler,
} from './application/queries/process-queries';
import { ProcessChangeFeed } from './application/feed/process-change-feed';
import {
  GetCallbacksOfProcessesHandler,
  GetProcessCallbacksHandler,
  GetProcessCountsHandler,
  GetStepLogHandler,
} from './application/queries/read-model-handlers';
import { CallbackStepRunner } from './application/runner/callback-step-runner';
import { ProcessDriver } from './application/runner/process-driver';
import { ProcessRunner } from './application/runner/process-runner';
import { StepContextFactory } from './application/runner/step-context';
import { StepRunner } from './application/runner/step-runner';
import { WorkflowRegistry } from './domain/workflow/registry';
import { PrometheusMetrics } from './infrastructure/metrics/prometheus-metrics';
import { AuthGuard } from './interfaces/auth/auth.guard';
import { UiConfigController } from './interfaces/rest/ui-config.controller';
import { AUTH_SETTINGS, Authenticator, AuthSettings } from './interfaces/auth/authenticator';
import { GRAPHQL_RESOLVERS, graphqlApiModule } from './interfaces/graphql/graphql-api.module';
import { CallbacksController } from './interfaces/rest/callbacks.controller';
import { EventsFeedController } from './interfaces/rest/events-feed.controller';
import { ProcessHistoryController } from './interfaces/rest/process-history.controller';
import { HealthController } from './interfaces/rest/health.controller';
import { MeController } from './interfaces/rest/me.controller';
import { LOGGING, Logging } from './interfaces/rest/logging';
import { MetricsController } from './interfaces/rest/metrics.controller';
import { ReadinessIndicators } from './interfaces/rest/readiness-indicators';
import { InputLimitsInterceptor } from './interfaces/rest/input-limits';
import { ProcessesController } from './interfaces/rest/processes.controller';
import { OC_COMPAT_CONTROLLERS, OC_COMPAT_PROVIDERS } from './interfaces/oc-compat/oc-compat';
import { ProjectionsController } from './interfaces/rest/projections.controller';
import { WorkflowsController } from './interfaces/rest/workflows.controller';
import { WebhooksController } from './interfaces/rest/webhooks.controller';
import { WebhookAdapters, webhookProviders } from './webhook-wiring';
import { TRACING, Tracing, noTracing } from './application/ports/tracing';
import { CommandTracing } from './application/observability/command-tracing';
import { requestTracing } from './interfaces/rest/request-tracing';

export interface BatonAdapters {
  eventStore: EventStore;
  checkpoints: CheckpointStore;
  summaries: ProcessSummaryStore;
  callbackAudit: CallbackAuditStore;
  stepLog: StepLogStore;
  clock: Clock;
  ids: IdGenerator;
  http: HttpClient;
  registry: WorkflowRegistry;
  runtime: RuntimeConfig;
  /** Durable timers, written by the event store's appends (usually the event store itself). */
  timers: TimerStore;
  /** Which processes this instance drives (default: all of them, SoleOwnership). */
  ownership?: WorkOwnership;
  /** API keys (hashes) and OIDC settings the requests are authenticated against. */
  auth: AuthSettings;
  /** Processes whose folded state the repository keeps in memory (default 1000). */
  processCacheSize?: number;
  /** Whether the store's schema is current (readiness); stores without one leave it out. */
  schema?: SchemaStatus;
  /** Structured request and application logs (pino); without it, Nest's logger only. */
  logging?: Logging;
  /** Start-up found stored positions ahead of new ones (a logical restore) and raised the base. */
  positionBaseRaised?: boolean;
  /** Where the ledger keeps its tree (default: in memory). */
  ledger?: LedgerStore;
  /** Signing key and digest frequency (default: no key, so no digests). */
  ledgerSettings?: LedgerSettings;
  /** Webhook subscriptions: store, sealed secrets, transport (default: in memory). */
  webhooks?: WebhookAdapters;
  /** OpenTelemetry spans (default: off, nothing wrapped). */
  tracing?: Tracing;
}

const HANDLERS = [
  StartProcessHandler,
  ResumeProcessHandler,
  RetryProcessHandler,
  AbortProcessHandler,
  ReceiveCallbackHandler,
  ReportProgressHandler,
  GetProcessHandler,
  ListProcessesHandler,
  GetProcessEventsHandler,
  GetStateAtRevisionHandler,
  ListWorkflowsHandler,
  GetWorkflowHandler,
  GetProcessCallbacksHandler,
  GetCallbacksOfProcessesHandler,
  GetProcessCountsHandler,
  GetStepLogHandler,
  VerifyProcessHistoryHandler,
  GetProcessAuditHandler,
];

/** Every read model the service keeps, in the order they are listed to operators. */
export const buildProjections = (
  adapters: Pick<BatonAdapters, 'summaries' | 'callbackAudit' | 'stepLog' | 'registry'>,
): Projection[] => [
  new ProcessSummaryProjection(adapters.summaries, adapters.registry),
  new CallbackAuditProjection(adapters.callbackAudit),
  new StepLogProjection(adapters.stepLog),
];

@Module({})
export class AppModule implements NestModule {
  constructor(@Inject(TRACING) private readonly tracing: Tracing) {}

  configure(consumer: MiddlewareConsumer): void {
    if (this.tracing.enabled) consumer.apply(requestTracing(this.tracing)).forRoutes('{*splat}');
  }

  static forRoot(adapters: BatonAdapters): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), DiscoveryModule, TerminusModule, graphqlApiModule()],
      controllers: [
        WorkflowsController,
        ProcessesController,
        CallbacksController,
        HealthController,
        MeController,
        MetricsController,
        ProjectionsController,
        EventsFeedController,
        ProcessHistoryController,
        LedgerController,
        WebhooksController,
        UiConfigController,
        ...OC_COMPAT_CONTROLLERS,
      ],
      providers: [
        { provide: EVENT_STORE, useValue: adapters.eventStore },
        { provide: CHECKPOINT_STORE, useValue: adapters.checkpoints },
        { provide: PROCESS_SUMMARY_STORE, useValue: adapters.summaries },
        { provide: CALLBACK_AUDIT_STORE, useValue: adapters.callbackAudit },
        { provide: STEP_LOG_STORE, useValue: adapters.stepLog },
        { provide: PROJECTIONS, useValue: buildProjections(adapters) },
        { provide: CLOCK, useValue: adapters.clock },
        { provide: LEDGER_STORE, useValue: adapters.ledger ?? new InMemoryLedgerStore() },
        {
          provide: LEDGER_SETTINGS,
          useValue: adapters.ledgerSettings ?? { signingKey: null, ...parseDigestEvery(undefined) },
        },
        LedgerProjection,
        LedgerQueries,
        { provide: ID_GENERATOR, useValue: adapters.ids },
        { provide: HTTP_CLIENT, useValue: adapters.http },
        { provide: RUNTIME_CONFIG, useValue: adapters.runtime },
        { provide: WorkflowRegistry, useValue: adapters.registry },
        { provide: TIMER_STORE, useValue: adapters.timers },
        { provide: WORK_OWNERSHIP, useValue: adapters.ownership ?? new SoleOwnership() },
        RuntimeEvents,
        ProcessParker,
        TimerSweep,
        { provide: AUTH_SETTINGS, useValue: adapters.auth },
        Authenticator,
        // Every route is authenticated and checked against its declared access (admin if none).
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: InputLimitsInterceptor },
        CallbackRefusalLimiter,
        {
          provide: PROCESS_CACHE_SIZE,
          useValue: adapters.processCacheSize ?? DEFAULT_PROCESS_CACHE_SIZE,
        },
        { provide: LOGGING, useValue: adapters.logging ?? null },
        { provide: SCHEMA_STATUS, useValue: adapters.schema ?? schemaAlwaysCurrent },
        {
          provide: PrometheusMetrics,
          inject: [PROCESS_SUMMARY_STORE, SubscriberLag],
          useFactory: (summaries: ProcessSummaryStore, lag: SubscriberLag) => {
            const metrics = new PrometheusMetrics({
              statusCounts: async () => (await summaries.counts()).byStatus,
              lag: () => lag.measure(),
            });
            if (adapters.positionBaseRaised) metrics.positionBaseRaised();
            return metrics;
          },
        },
        { provide: METRICS, useExisting: PrometheusMetrics },
        RuntimeMetrics,
        ReadinessIndicators,
        ProcessRepository,
        StepContextFactory,
        CallbackStepRunner,
        StepRunner,
        ProcessDriver,
        ProcessRunner,
        ProjectionRunner,
        OnlineRebuilds,
        ProcessChangeFeed,
        EventFeed,
        SubscriberLag,
        ...HANDLERS,
        ...GRAPHQL_RESOLVERS,
        ...webhookProviders(adapters.webhooks),
        { provide: TRACING, useValue: adapters.tracing ?? noTracing },
        CommandTracing,
        ...OC_COMPAT_PROVIDERS,
      ],
    };
  }
}
