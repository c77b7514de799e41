/**
 * `baton start --workflows <module>`: the service with a team's workflows, configured from the
 * environment exactly as `npm start` in Baton's repository (embedded PostgreSQL under DATA_DIR
 * unless DATABASE_URL; docs/configuration.md lists every variable).
 */
import { Command } from 'commander';
import { cliContext } from '../cli-context';
import { usageError } from '../exit-codes';

export const registerStartCommand = (program: Command): void => {
  program
    .command('start')
    .description('Run the Baton service with your workflows until Ctrl-C')
    .requiredOption(
      '--workflows <module>',
      'the module that exports `workflows` (a path such as ./dist/index.js, or a package name)',
    )
    .addHelpText(
      'after',
      [
        '',
        'Configuration comes from the environment: PORT (8080), PUBLIC_URL, DATABASE_URL (unset:',
        'embedded PostgreSQL under DATA_DIR, default ./data), ANSIBLE_PROXY_URL (unset: the bundled',
        'LSO runner simulator), API_KEYS, LOG_LEVEL, ... (docs/configuration.md).',
      ].join('\n'),
    )
    .action(async (options: { workflows: string }, command: Command) => {
      const context = cliContext(command);
      // Loaded here, not at the top: the other commands are thin HTTP clients and start fast.
      const { loadConfig } = await import('../../../config');
      const { registryOf } = await import('../../../domain/workflow/registry-of');
      const { runService } = await import('../../../hosting/run-service');
      const { loadWorkflowsModule } = await import('../workflows-module');
      let registry;
      try {
        registry = registryOf(loadWorkflowsModule(options.workflows));
      } catch (error) {
        throw usageError(`--workflows ${options.workflows}: ${(error as Error).message}`);
      }
      const loaded = registry;
      const code = await runService(loadConfig(context.env), () => loaded);
      // The supervisor of WORKERS has said why (a worker failing at every start) in its log.
      if (code !== 0) throw new Error('the service stopped: its workers kept failing');
    });
};
