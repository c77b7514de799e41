/**
 * Baton as a standalone service in a few lines:
 *
 *   const baton = await createBaton({ workflows });
 *   // … baton.url; later: await baton.close();
 *
 * The same service as `baton start`: configuration from the environment (or `env`), embedded
 * PostgreSQL unless DATABASE_URL, the operator UI, the API.
 */
import { registryOf } from '../domain/workflow/registry-of';
import { RunningServer, startServer } from '../server';
import { BatonOptions, configOf } from './baton-options';

export type RunningBaton = RunningServer;

/** Rejects (never throws) on bad options: a duplicate workflow version, bad configuration. */
export const createBaton = async (options: BatonOptions): Promise<RunningBaton> =>
  startServer(configOf(options), registryOf(options.workflows));
