/**
 * `baton confirm|retry|abort <id>`: what an operator does to one process, through the same
 * routes as the UI's buttons. Each prints one line on success; the service's refusal (not
 * suspended, already final, invalid form input) ends with exit code 1 and its message.
 */
import { Command } from 'commander';
import { cliContext } from '../cli-context';
import { apiClient, ConnectionFlags, withConnection } from '../connection-options';
import { INPUT_HELP, readInputOption } from '../input-option';
import { idempotencyOption } from './processes';

interface ActionFlags extends ConnectionFlags {
  input?: string;
  reason?: string;
  idempotencyKey?: string;
}

const put = async (command: Command, id: string, action: string, body: unknown, key?: string) => {
  await apiClient(command).call('PUT', `/api/processes/${encodeURIComponent(id)}/${action}`, {
    body,
    headers: key ? { 'idempotency-key': key } : {},
  });
};

export const registerProcessActions = (program: Command): void => {
  withConnection(
    program
      .command('confirm')
      .description('Submit the pending form of a suspended process (confirm callback results)')
      .argument('<id>', 'the process id')
      .option('--input <json>', `the form input, ${INPUT_HELP} (default {})`)
      .addOption(idempotencyOption()),
  ).action(async (id: string, flags: ActionFlags, command: Command) => {
    const input = await readInputOption(flags.input, {});
    await put(command, id, 'resume', input, flags.idempotencyKey);
    cliContext(command).out(`confirmed ${id}`);
  });

  withConnection(
    program
      .command('retry')
      .description('Retry a failed or waiting process from its failed step')
      .argument('<id>', 'the process id')
      .addOption(idempotencyOption()),
  ).action(async (id: string, flags: ActionFlags, command: Command) => {
    await put(command, id, 'retry', undefined, flags.idempotencyKey);
    cliContext(command).out(`retrying ${id}`);
  });

  withConnection(
    program
      .command('abort')
      .description('Abort a process; its open callback token is revoked')
      .argument('<id>', 'the process id')
      .option('--reason <text>', 'why, recorded in the ProcessAborted event')
      .addOption(idempotencyOption()),
  ).action(async (id: string, flags: ActionFlags, command: Command) => {
    await put(
      command,
      id,
      'abort',
      flags.reason ? { reason: flags.reason } : {},
      flags.idempotencyKey,
    );
    cliContext(command).out(`aborted ${id}`);
  });
};
