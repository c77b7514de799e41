/**
 * What a command needs from the world: where to write, the environment, and a way to reach
 * HTTP. `baton.main.ts` passes the real process; tests pass buffers and run the program
 * in-process. The context hangs off the root command, so a command group registered by any
 * file (`register…(program)`) reaches it with `cliContext(command)` alone.
 */
import { Command } from 'commander';

export interface CliContext {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  fetch: typeof fetch;
  /** Aborts long-running commands (events tail --follow); main wires SIGINT to it. */
  signal?: AbortSignal;
}

const contexts = new WeakMap<Command, CliContext>();

export const defaultContext = (): CliContext => ({
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  env: process.env,
  fetch: globalThis.fetch,
});

export const attachContext = (root: Command, context: CliContext): void => {
  contexts.set(root, context);
};

export const cliContext = (command: Command): CliContext => {
  let current: Command | null = command;
  while (current) {
    const found = contexts.get(current);
    if (found) return found;
    current = current.parent;
  }
  return defaultContext();
};
