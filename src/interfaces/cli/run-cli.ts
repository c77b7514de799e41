/**
 * Runs the program once and maps how it ended onto an exit status: commander's own errors
 * (unknown option, missing argument) are usage errors, a CliFailure carries its code, and
 * anything else is reported in one line without a stack. Whatever goes to stderr passes
 * through a filter that masks the API key (from BATON_API_KEY or --key), wherever it came from.
 */
import { CommanderError } from 'commander';
import { CliContext, defaultContext } from './cli-context';
import { CliFailure, ExitCode } from './exit-codes';
import { buildProgram } from './program';

/** The keys this run may hold: the environment's and any given with --key. */
const keysIn = (argv: readonly string[], env: NodeJS.ProcessEnv): string[] => {
  const keys = [env.BATON_API_KEY ?? ''];
  argv.forEach((arg, i) => {
    if (arg === '--key') keys.push(argv[i + 1] ?? '');
    else if (arg.startsWith('--key=')) keys.push(arg.slice('--key='.length));
  });
  // Very short values would mask ordinary words; no real key is that short.
  return keys.filter((key) => key.length >= 8);
};

const masking = (keys: string[], write: (text: string) => void) => (text: string) =>
  write(keys.reduce((masked, key) => masked.split(key).join('***'), text));

export const runCli = async (
  argv: readonly string[],
  overrides: Partial<CliContext> = {},
): Promise<number> => {
  const given: CliContext = { ...defaultContext(), ...overrides };
  const context: CliContext = { ...given, err: masking(keysIn(argv, given.env), given.err) };
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
    // `events tail --follow` ends normally on Ctrl-C; anything else was cut short.
    if (given.signal?.aborted) {
      context.err('baton: interrupted');
      return ExitCode.Interrupted;
    }
    if (error instanceof CliFailure) {
      context.err(`baton: ${error.message}`);
      return error.exitCode;
    }
    const message = (error as { message?: unknown } | null)?.message;
    context.err(`baton: ${typeof message === 'string' ? message : String(error)}`);
    return ExitCode.Refused;
  }
};
