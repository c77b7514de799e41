/**
 * `node dist/main.js --workflows <module>`: the service with the workflows a module exports
 * (what `npm start` runs in this repository, with the L2VPN example); with WORKERS > 1 this
 * process supervises that many workers (hosting/cluster/).
 */
import 'reflect-metadata';
import { loadConfig } from './config';
import { registryOf } from './domain/workflow/registry-of';
import { loadWorkflowsModule, takeWorkflowsOption } from './interfaces/cli/workflows-module';
import { runService } from './hosting/run-service';

const main = async () => {
  const { specifier } = takeWorkflowsOption(process.argv.slice(2));
  // Loaded where the service runs: a supervisor of WORKERS never needs the workflows.
  const registry = () => registryOf(loadWorkflowsModule(specifier));
  process.exit(await runService(loadConfig(), registry));
};

main().catch((error: unknown) => {
  console.error(`Baton failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
