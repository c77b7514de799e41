/**
 * Builds and starts the whole service from configuration: opens its resources (open-resources),
 * starts the HTTP app with the operator UI, and returns one `close()` that releases everything
 * in reverse order.
 */
import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { BatonConfig } from './config';
import { WorkflowRegistry } from './domain/workflow/registry';
import { configureHttp } from './interfaces/rest/http-setup';
import { createLogging, createNestLogger } from './interfaces/rest/logging';
import { providerOrigins, serveUi } from './interfaces/web/serve-ui';
import { openResources } from './hosting/open-resources';
import { startIdleHeapRelease } from './hosting/idle-heap-release';
import { SupervisedWorker } from './hosting/cluster/supervised-worker';

export interface RunningServer {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

const mib = (bytes: number): number => Math.round(bytes / 2 ** 20);

export const startServer = async (
  config: BatonConfig,
  registry: WorkflowRegistry,
  supervised: SupervisedWorker | null = null,
): Promise<RunningServer> => {
  // First, so that everything after runs with the SDK's context manager in place. Loaded only
  // when on: off, the SDK's modules would cost about 8.5 MiB of RSS and start-up time for nothing.
  const tracing = config.tracing.enabled
    ? (await import('./infrastructure/tracing/otel-tracing')).startTracing({
        serviceName: config.tracing.serviceName,
        instanceId: config.instanceId,
        endpoint: config.tracing.endpoint ?? undefined,
      })
    : null;
  const logging = createLogging({
    traceFields: tracing ? () => tracing.tracing.logFields() : undefined,
    level: config.logLevel,
    format: config.logFormat,
    instanceId: config.instanceId,
    requests: config.logRequests,
  });
  // Start-up messages go through the same structured logger as everything after them.
  const nestLogger = createNestLogger(logging);
  Logger.overrideLogger(nestLogger);
  const logger = new Logger('Baton');
  const closers: Array<() => Promise<unknown>> = [];
  if (tracing) {
    closers.push(() => tracing.shutdown());
    logger.log(
      `tracing: OpenTelemetry spans to ${config.tracing.endpoint ?? 'the OTLP endpoint of OTEL_EXPORTER_OTLP_*'}`,
    );
  }
  const resources = await openResources(
    config,
    registry,
    logger,
    logging,
    tracing?.tracing,
    supervised,
  ).catch(async (error: unknown) => {
    await tracing?.shutdown();
    throw error;
  });
  closers.push(() => resources.close());
  const close = async () => {
    for (const closer of closers.reverse())
      await closer().catch((e: Error) => logger.error(e.message));
  };
  try {
    const app = await NestFactory.create(AppModule.forRoot(resources.adapters), {
      bodyParser: false,
      logger: nestLogger,
    });
    configureHttp(app, {
      corsOrigins: config.corsOrigins,
      trustProxy: config.trustProxy,
      requestDeadlineMs: config.requestDeadlineMs,
      pollDeferMs: config.pollDeferMs,
    });
    serveUi(app, undefined, {
      connectSources: config.oidc?.ui ? providerOrigins(config.oidc.issuer) : [],
    });
    await app.listen(config.port, config.host);
    closers.push(() => app.close());
    const heapRelease = startIdleHeapRelease({
      idleMs: config.heapReleaseIdleMs,
      onRelease: (before, after, pauseMs) =>
        logger.debug(
          `idle: heap compacted, ${mib(before)} -> ${mib(after)} MiB held, in ${Math.round(pauseMs)} ms`,
        ),
    });
    if (heapRelease) closers.push(async () => heapRelease.stop());
    const url = `http://localhost:${config.port}`;
    logger.log(
      `Baton ${config.instanceId} listening on ${url} (operator UI ${url}/, API docs ${url}/api/docs); callbacks go to ${config.publicUrl}`,
    );
    return { app, url, close };
  } catch (error) {
    await close();
    throw error;
  }
};
