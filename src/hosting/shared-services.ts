/**
 * The services one instance starts once, whatever the number of its worker processes: the
 * embedded PostgreSQL (when DATABASE_URL is unset) and the bundled LSO runner simulator (when
 * configured). A single process (WORKERS=1) starts them in open-resources; a supervisor
 * (WORKERS > 1) starts them before it forks and hands their URLs to its workers.
 */
import { Logger } from '@nestjs/common';
import path from 'node:path';
import { BatonConfig } from '../config';
import { startEmbeddedPostgres } from '../infrastructure/postgres/embedded-postgres';
import { SIMULATOR_WARNING } from '../runner-simulator/simulator-warning';
import { startRunnerSimulator } from '../runner-simulator/lso-runner-simulator';

export interface StartedService {
  url: string;
  stop(): Promise<void>;
}

export const startEmbeddedDatabase = async (
  config: BatonConfig,
  logger: Logger,
): Promise<StartedService> => {
  const dataDir = path.join(config.dataDir, 'postgres');
  logger.log(`DATABASE_URL unset: starting embedded PostgreSQL with data in ${dataDir}`);
  const embedded = await startEmbeddedPostgres({
    dataDir,
    port: config.embeddedPostgresPort,
    persistent: true,
  });
  return { url: embedded.connectionString, stop: () => embedded.stop() };
};

export const startBundledSimulator = async (
  config: BatonConfig,
  logger: Logger,
): Promise<StartedService> => {
  const simulator = await startRunnerSimulator({
    port: config.simulatorPort,
    log: (m) => logger.log(`[lso-simulator] ${m}`),
  });
  // Loud on purpose: a fake that reports success must never pass for a real runner.
  logger.warn('*'.repeat(80));
  logger.warn(`ANSIBLE_PROXY_URL unset: bundled LSO runner SIMULATOR at ${simulator.url}`);
  logger.warn(SIMULATOR_WARNING);
  logger.warn(
    'Set ANSIBLE_PROXY_URL to a real LSO (NODE_ENV=production refuses to start without).',
  );
  logger.warn('*'.repeat(80));
  return { url: simulator.url, stop: () => simulator.close() };
};
