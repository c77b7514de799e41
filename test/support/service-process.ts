/**
 * Runs Baton as a real child process (`src/main.ts` through ts-node), the way `npm start` does,
 * so a test can SIGKILL it mid-workflow and start it again on the same data.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { call } from './api';
import { TEST_API_KEYS_ENV } from './auth';

const ROOT = path.resolve(__dirname, '../..');

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves when output after `from` (a length of output()) matches, with the match. */
  waitForOutput(pattern: RegExp, from?: number, timeoutMs?: number): Promise<RegExpMatchArray>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * `compiled`: run dist/main.js (npm run build first, which compiles the example too), which starts in a fraction of the time
 * ts-node needs; the fault tests restart services dozens of times.
 */
export const startServiceProcess = async (
  env: Record<string, string>,
  timeoutMs = 90_000,
  { compiled = false }: { compiled?: boolean } = {},
): Promise<ServiceProcess> => {
  let output = '';
  const args = compiled
    ? ['dist/main.js', '--workflows', './dist-examples/l2vpn/src/index.js']
    : [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        './test/support/package-name-to-source.ts',
        'src/main.ts',
        '--workflows',
        './examples/l2vpn/src/index.ts',
      ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    // Known keys by default (TEST_KEYS); a test of the unconfigured start passes API_KEYS: ''.
    env: { ...process.env, LOG_LEVEL: 'debug', API_KEYS: TEST_API_KEYS_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited during start-up:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service not healthy within ${timeoutMs} ms:\n${output}`);
    }
    const healthy = await call('GET', `${url}/health`, undefined, {}, { key: null })
      .then((r) => r.status === 200)
      .catch(() => false);
    if (healthy) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    output: () => output,
    waitForOutput: async (pattern, from = 0, waitMs = 60_000) => {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const match = output.slice(from).match(pattern);
        if (match) return match;
        if (Date.now() > deadline) throw new Error(`no ${pattern} in the service's output`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
};
