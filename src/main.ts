/**
 * `node dist/main.js --workflows <module>`: the service with the workflows a module exports
 * (what `npm start` runs in this repository, with the L2VPN example).
 */
import 'reflect-metadata';
import { loadConfig } from './config';
import { registryOf } from './domain/workflow/registry-of';
import { loadWorkflowsModule, takeWorkflowsOption } from './interfaces/cli/workflows-module';
import { serveUntilSignal } from './interfaces/cli/serve-until-signal';
import { startServer } from './server';

const main = async () => {
  const workflows = loadWorkflowsModule(takeWorkflowsOption(process.argv.slice(2)).specifier);
  const server = await startServer(loadConfig(), registryOf(workflows));
  await serveUntilSignal(server);
  process.exit(0);
};

main().catch((error: unknown) => {
  console.error(`Baton failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
