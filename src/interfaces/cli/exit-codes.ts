/**
 * What the `baton` CLI's exit status means. Each code means one thing, so a script can act on
 * it without parsing messages (docs/cli.md lists them too).
 */
export const ExitCode = {
  /** The command did what was asked. */
  Ok: 0,
  /** The service answered and refused: not found, conflict, invalid input, forbidden, 5xx. */
  Refused: 1,
  /** The command line is wrong (unknown option, missing argument, unreadable --input). */
  Usage: 2,
  /** `audit show`: the process's hash chain is broken (its history was altered). */
  BrokenChain: 3,
  /** The service could not be reached (connection refused, DNS, timeout, dropped for good). */
  Unreachable: 4,
  /** Ctrl-C (SIGINT) stopped the command before it finished (the shell's 128 + 2). */
  Interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure that carries the exit status it stands for; its message is safe to print. */
export class CliFailure extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}

export const usageError = (message: string): CliFailure => new CliFailure(ExitCode.Usage, message);
