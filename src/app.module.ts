/**
 * Wiring only. Adapters are built outside (main.ts, tests) and handed in, so the same module
 * runs on PostgreSQL, EventStoreDB or in memory, and the caller owns their lifecycle.
 */
import {
  DynamicModule,
  InjectionToken,
  Module,
  ModuleMetadata,
  Provider,
  UseFilters,
} from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
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
import { RetiredWorkflowSweep } from './application/runner/retired-workflow-sweep';
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
import { OnlineRebuilds } from './application/projections/online-rebuild';
import { PROJECTIONS } from './application/projections/projection';
import { buildProjections } from './application/projections/read-models';
import { ProjectionRunner } from './application/projections/projection-runner';
import { ReadModelFreshness } from './application/queries/read-model-freshness';
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
import { LiveStreamQuota } from './interfaces/live-stream-quota';
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
import { METRICS_CLUSTER, MetricsCluster } from './infrastructure/metrics/metrics-cluster';
import { BATON_HANDLER_METADATA } from './interfaces/auth/access';
import { AuthGuard } from './interfaces/auth/auth.guard';
import { UiConfigController } from './interfaces/rest/ui-config.controller';
import { AUTH_SETTINGS, Authenticator, AuthSettings } from './interfaces/auth/authenticator';
import { GRAPHQL_RESOLVERS, graphqlApiModule } from './interfaces/graphql/graphql-api.module';
import { CallbacksController } from './interfaces/rest/callbacks.controller';
import { ErrorFilter } from './interfaces/rest/error.filter';
import { EventsFeedController } from './interfaces/rest/events-feed.controller';
import { ProcessHistoryController } from './interfaces/rest/process-history.controller';
import { HealthController } from './interfaces/rest/health.controller';
import { MeController } from './interfaces/rest/me.controller';
import { LOGGING, Logging } from './interfaces/rest/logging';
import { MetricsController } from './interfaces/rest/metrics.controller';
import { ReadinessIndicators } from './interfaces/rest/readiness-indicators';
import { InputLimitsGuard } from './interfaces/rest/input-limits';
import { ProcessesController } from './interfaces/rest/processes.controller';
import { ProjectionsController } from './interfaces/rest/projections.controller';
import { WorkflowsController } from './interfaces/rest/workflows.controller';
import { OC_COMPAT_CONTROLLERS, OC_COMPAT_PROVIDERS } from './interfaces/oc-compat/oc-compat';
import { WebhooksController } from './interfaces/rest/webhooks.controller';
import { WebhookAdapters, webhookProviders } from './webhook-wiring';
import { TRACING, Tracing, noTracing } from './application/ports/tracing';
import { CommandTracing } from './application/observability/command-tracing';

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
  /** Where the ledger keeps its tree (default: in memory). */
  ledger?: LedgerStore;
  /** Signing key and digest frequency (default: no key, so no digests). */
  ledgerSettings?: LedgerSettings;
  /** Start-up found stored positions ahead of new ones (a logical restore) and raised the base. */
  positionBaseRaised?: boolean;
  /** Webhook subscriptions: store, sealed secrets, transport (default: in memory). */
  webhooks?: WebhookAdapters;
  /** OpenTelemetry spans (default: off, nothing wrapped). */
  tracing?: Tracing;
  /** The other workers of this instance, whose metrics /metrics adds up (WORKERS > 1). */
  metricsCluster?: MetricsCluster;
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

/** The adapters the wiring reads its ports from: a value (AppModule) or built async (BatonModule). */
export const BATON_ADAPTERS = Symbol('BatonAdapters');

const fromAdapters = (
  provide: InjectionToken,
  pick: (adapters: BatonAdapters) => unknown,
): Provider => ({ provide, inject: [BATON_ADAPTERS], useFactory: pick });

/** Baton's REST controllers (the routes its guard, limits and error filter are for). */
export const BATON_CONTROLLERS = [
  WorkflowsController,
  ProcessesController,
  CallbacksController,
  HealthController,
  MeController,
  MetricsController,
  ProjectionsController,
  EventsFeedController,
  ProcessHistoryController,
  UiConfigController,
  LedgerController,
  WebhooksController,
  ...OC_COMPAT_CONTROLLERS,
];

/**
 * Baton's classes that answer requests. The guard and the input limits are registered for the
 * whole application (so GraphQL is covered too) but only judge these: a team that imports
 * BatonModule into its own application keeps its own routes as they were.
 */
for (const handler of [...BATON_CONTROLLERS, ...GRAPHQL_RESOLVERS])
  Reflect.defineMetadata(BATON_HANDLER_METADATA, true, handler);

// The error filter belongs to Baton's controllers themselves (the standalone service also sets
// it globally); a host application's own routes keep the host's error handling.
for (const controller of BATON_CONTROLLERS) UseFilters(ErrorFilter)(controller);

/** Everything Baton's module consists of, given a provider of BATON_ADAPTERS. */
export const batonWiring = (): Required<
  Pick<ModuleMetadata, 'imports' | 'controllers' | 'providers'>
> => ({
  imports: [CqrsModule.forRoot(), DiscoveryModule, TerminusModule, graphqlApiModule()],
  controllers: BATON_CONTROLLERS,
  providers: [
    fromAdapters(EVENT_STORE, (a) => a.eventStore),
    fromAdapters(CHECKPOINT_STORE, (a) => a.checkpoints),
    fromAdapters(PROCESS_SUMMARY_STORE, (a) => a.summaries),
    fromAdapters(CALLBACK_AUDIT_STORE, (a) => a.callbackAudit),
    fromAdapters(STEP_LOG_STORE, (a) => a.stepLog),
    fromAdapters(PROJECTIONS, (a) => buildProjections(a)),
    fromAdapters(CLOCK, (a) => a.clock),
    fromAdapters(ID_GENERATOR, (a) => a.ids),
    fromAdapters(HTTP_CLIENT, (a) => a.http),
    fromAdapters(RUNTIME_CONFIG, (a) => a.runtime),
    fromAdapters(WorkflowRegistry, (a) => a.registry),
    fromAdapters(TIMER_STORE, (a) => a.timers),
    fromAdapters(WORK_OWNERSHIP, (a) => a.ownership ?? new SoleOwnership()),
    RuntimeEvents,
    ProcessParker,
    RetiredWorkflowSweep,
    TimerSweep,
    fromAdapters(AUTH_SETTINGS, (a) => a.auth),
    Authenticator,
    // Every route is authenticated and checked against its declared access (admin if none).
    { provide: APP_GUARD, useClass: AuthGuard },
    // Then the route's input limits (a guard: see input-limits.ts for why not an interceptor).
    { provide: APP_GUARD, useClass: InputLimitsGuard },
    CallbackRefusalLimiter,
    fromAdapters(PROCESS_CACHE_SIZE, (a) => a.processCacheSize ?? DEFAULT_PROCESS_CACHE_SIZE),
    fromAdapters(LOGGING, (a) => a.logging ?? null),
    fromAdapters(LEDGER_STORE, (a) => a.ledger ?? new InMemoryLedgerStore()),
    fromAdapters(
      LEDGER_SETTINGS,
      (a) => a.ledgerSettings ?? { signingKey: null, ...parseDigestEvery(undefined) },
    ),
    LedgerProjection,
    LedgerQueries,
    fromAdapters(SCHEMA_STATUS, (a) => a.schema ?? schemaAlwaysCurrent),
    {
      provide: PrometheusMetrics,
      inject: [PROCESS_SUMMARY_STORE, SubscriberLag, BATON_ADAPTERS],
      useFactory: (summaries: ProcessSummaryStore, lag: SubscriberLag, a: BatonAdapters) => {
        const metrics = new PrometheusMetrics({
          statusCounts: async () => (await summaries.counts()).byStatus,
          lag: () => lag.measure(),
        });
        if (a.positionBaseRaised) metrics.positionBaseRaised();
        a.metricsCluster?.contribute(() => metrics.collect());
        return metrics;
      },
    },
    { provide: METRICS, useExisting: PrometheusMetrics },
    fromAdapters(METRICS_CLUSTER, (a) => a.metricsCluster ?? null),
    RuntimeMetrics,
    ReadinessIndicators,
    ProcessRepository,
    StepContextFactory,
    CallbackStepRunner,
    StepRunner,
    ProcessDriver,
    ProcessRunner,
    ProjectionRunner,
    ReadModelFreshness,
    OnlineRebuilds,
    ProcessChangeFeed,
    LiveStreamQuota,
    EventFeed,
    SubscriberLag,
    ...HANDLERS,
    ...GRAPHQL_RESOLVERS,
    ...webhookProvidersFromAdapters(),
    fromAdapters(TRACING, (a) => a.tracing ?? noTracing),
    CommandTracing,
    ...OC_COMPAT_PROVIDERS,
  ],
});

/** The webhook providers, each value taken from the adapters (one set per adapters object). */
const webhookValues = new WeakMap<BatonAdapters, Provider[]>();
const webhookProvidersFromAdapters = (): Provider[] =>
  webhookProviders().map((provider) => {
    if (typeof provider !== 'object' || !('useValue' in provider)) return provider;
    return fromAdapters(provider.provide, (a) => {
      let values = webhookValues.get(a);
      if (!values) webhookValues.set(a, (values = webhookProviders(a.webhooks)));
      const own = values.find((p) => typeof p === 'object' && p.provide === provider.provide);
      return (own as { useValue: unknown }).useValue;
    });
  });

/** The standalone service's root module, on adapters its caller built and owns. */
@Module({})
export class AppModule {
  static forRoot(adapters: BatonAdapters): DynamicModule {
    const wiring = batonWiring();
    return {
      module: AppModule,
      ...wiring,
      providers: [{ provide: BATON_ADAPTERS, useValue: adapters }, ...wiring.providers],
    };
  }
}
