/**
 * The options every client command shares: where the service is, the key to show it, and
 * `--json` for scripts. Flags win over BATON_URL / BATON_API_KEY, which win over the default.
 */
import { Command } from 'commander';
import { ApiClient, DEFAULT_URL } from './api-client';
import { cliContext } from './cli-context';

export interface ConnectionFlags {
  url?: string;
  key?: string;
  json?: boolean;
}

export const withConnection = (command: Command): Command =>
  command
    .option('--url <url>', `Baton service URL (env BATON_URL, default ${DEFAULT_URL})`)
    .option(
      '--key <key>',
      'API key (env BATON_API_KEY); prefer the env variable: flags show in ps',
    );

export const withJson = (command: Command): Command =>
  command.option('--json', 'print the data as JSON (for scripts)');

export const apiClient = (command: Command): ApiClient => {
  const context = cliContext(command);
  const flags = command.opts<ConnectionFlags>();
  const url = flags.url ?? (context.env.BATON_URL || DEFAULT_URL);
  const key = flags.key ?? (context.env.BATON_API_KEY || undefined);
  return new ApiClient({ url, key }, context.fetch, context.signal);
};
