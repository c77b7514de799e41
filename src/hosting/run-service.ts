/**
 * The service as `npm start` and `baton start` run it, until SIGINT or SIGTERM: in this
 * process, or (WORKERS > 1) as a supervisor of worker processes, each of which comes back here
 * and runs the service with what the supervisor handed it. Returns the exit code.
 *
 * The two paths load their modules on demand: the supervisor needs neither Nest's application
 * nor the workflows, and each worker starts sooner for it.
 */
import cluster from 'node:cluster';
import { BatonConfig } from '../config';
import { WorkflowRegistry } from '../domain/workflow/registry';

export const runService = async (
  config: BatonConfig,
  loadRegistry: () => WorkflowRegistry,
): Promise<number> => {
  if (cluster.isPrimary && config.workers > 1) {
    const { superviseWorkers } = await import('./cluster/supervisor');
    return superviseWorkers(config);
  }
  const registry = loadRegistry();
  const { supervisedWorker } = await import('./cluster/supervised-worker');
  const { startServer } = await import('../server');
  const { serveUntilSignal } = await import('../interfaces/cli/serve-until-signal');
  const supervised = supervisedWorker();
  const server = await startServer(config, registry, supervised);
  supervised?.ready();
  await serveUntilSignal(server);
  // A worker's IPC channel would keep it alive after its server closed (`baton start`).
  supervised?.leave();
  return 0;
};
