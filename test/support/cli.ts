/**
 * Runs the `baton` CLI the two ways a test needs: in-process through runCli (the real program
 * and parser, output captured, fast), and as a real child process of baton.main.ts (what a
 * shell sees: the exit status, stdout and stderr).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { runCli } from '../../src/interfaces/cli/run-cli';

const ROOT = path.resolve(__dirname, '../..');
const ENTRY = path.join(ROOT, 'src/interfaces/cli/baton.main.ts');

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

export const runBaton = async (
  args: string[],
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<CliRun> => {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (text) => (out += line(text)),
    err: (text) => (err += line(text)),
    env,
    signal,
  });
  return { code, out, err };
};

/** A started child: its output so far, and its end. */
export interface BatonChild {
  output(): CliRun;
  exited: Promise<CliRun>;
  kill(signal: NodeJS.Signals): void;
}

export const spawnBaton = (args: string[], env: NodeJS.ProcessEnv, stdin?: string): BatonChild => {
  let out = '';
  let err = '';
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', ENTRY, ...args], {
    cwd: ROOT,
    // Only what the CLI reads, so a BATON_* variable of the developer's shell cannot leak in.
    env: { PATH: process.env.PATH, ...env },
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (stdin !== undefined) child.stdin!.end(stdin);
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<CliRun>((resolve) =>
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), out, err })),
  );
  return { output: () => ({ code: -1, out, err }), exited, kill: (s) => child.kill(s) };
};
