/**
 * The `baton` command line. One file per command group under `commands/` registers itself
 * here with a `register…(program)` function; this file only builds the root, routes
 * commander's own output through the context and turns its usage errors into exit code 2.
 */
import { Command } from 'commander';
import { attachContext, CliContext, defaultContext } from './cli-context';
import { registerAuditCommands } from './commands/audit';
import { registerLedgerAuditCommands } from './commands/ledger-audit';
import { registerEventCommands } from './commands/events';
import { registerProcessActions } from './commands/process-actions';
import { registerProcessCommands } from './commands/processes';
import { registerProjectionCommands } from './commands/projections';
import { registerWebhookCommands } from './commands/webhooks';
import { registerInitCommand } from './commands/init';
import { registerStartCommand } from './commands/start';

export const buildProgram = (overrides: Partial<CliContext> = {}): Command => {
  const context: CliContext = { ...defaultContext(), ...overrides };
  const program = new Command('baton')
    .description('Baton: an event-sourced workflow orchestrator with exactly-once callback steps')
    .configureOutput({
      writeOut: (text) => context.out(text),
      writeErr: (text) => context.err(text),
    })
    .showHelpAfterError('(run the command with --help for its usage)')
    // Throw instead of process.exit: main.ts and the tests decide what an error means.
    .exitOverride();
  attachContext(program, context);
  registerProcessCommands(program);
  registerProcessActions(program);
  registerEventCommands(program);
  registerStartCommand(program);
  registerInitCommand(program);
  registerAuditCommands(program);
  registerLedgerAuditCommands(program);
  registerProjectionCommands(program);
  registerWebhookCommands(program);
  return program;
};
