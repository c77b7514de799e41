/**
 * The service as `npm start` and `baton start` run it, until SIGINT or SIGTERM: in this
 * process, or (WORKERS > 1) as a supervisor of worker processes, each of which comes back here
 * and runs the service with what the supervisor handed it. Returns the exit code.
 */
import { BatonConfig } from '../config';
import { WorkflowRegistry } from '../domain/workflow/registry';
import { serveUntilSignal } from '../interfaces/cli/serve-until-signal';
import { startServer } from '../server';
import { isSupervisor, superviseWorkers } from './cluster/supervisor';
import { supervisedWorker } from './cluster/supervised-worker';

export const runService = async (
  config: BatonConfig,
  registry: WorkflowRegistry,
): Promise<number> => {
  if (isSupervisor(config)) return superviseWorkers(config);
  const supervised = supervisedWorker();
  const server = await startServer(config, registry, supervised);
  supervised?.ready();
  await serveUntilSignal(server);
  // A worker's IPC channel would keep it alive after its server closed (`baton start`).
  supervised?.leave();
  return 0;
};
