/**
 * Runs the program once and maps how it ended onto an exit status: commander's own errors
 * (unknown option, missing argument) are usage errors, a CliFailure carries its code, and
 * anything else is reported in one line without a stack.
 */
import { CommanderError } from 'commander';
import { CliContext, defaultContext } from './cli-context';
import { CliFailure, ExitCode } from './exit-codes';
import { buildProgram } from './program';

export const runCli = async (
  argv: readonly string[],
  overrides: Partial<CliContext> = {},
): Promise<number> => {
  const context: CliContext = { ...defaultContext(), ...overrides };
  const program = buildProgram(context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed its message already. Asked-for help (--help) ends with 0; help shown
      // because the command line was incomplete (`baton audit`) ends like any usage error.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    if (error instanceof CliFailure) {
      context.err(`baton: ${error.message}`);
      return error.exitCode;
    }
    context.err(`baton: ${error instanceof Error ? error.message : String(error)}`);
    return ExitCode.Refused;
  }
};
