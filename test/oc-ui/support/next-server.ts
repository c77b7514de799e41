/**
 * orchestrator-ui's production server (`next start`) as a child process, on a free port, with
 * its configuration in the environment (read per request, see compat/orchestrator-ui).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const OC_UI_DIR = path.resolve(__dirname, '../../../compat/orchestrator-ui');

export interface NextServer {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

export const startNextServer = async (
  port: number,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<NextServer> => {
  const nextBin = path.join(OC_UI_DIR, 'node_modules', 'next', 'dist', 'bin', 'next');
  if (!existsSync(nextBin))
    throw new Error(`${nextBin} is missing: run npm run test:oc-ui (it installs the UI first)`);
  if (!existsSync(path.join(OC_UI_DIR, '.next', 'BUILD_ID')))
    throw new Error(`no build in ${OC_UI_DIR}/.next: run npm run test:oc-ui (it builds the UI)`);
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [nextBin, 'start', '--port', String(port), '--hostname', '127.0.0.1'],
    {
      cwd: OC_UI_DIR,
      env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`next start not answering within ${timeoutMs} ms:\n${output}`);
    }
    const up = await fetch(`${url}/api/auth/session`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (up) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
};
