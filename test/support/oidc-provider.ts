/**
 * Starts the test's OpenID provider (oidc-provider-child.ts) as a child process on 127.0.0.1 and
 * finishes its set-up once the app's address is known.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ProviderSetup } from './oidc-provider-child';

export type { ProviderAccount, ProviderSetup } from './oidc-provider-child';

export interface TestProvider {
  issuer: string;
  jwksUrl: string;
  /** Gives the provider its client and accounts; resolves when it serves requests. */
  configure(setup: ProviderSetup): Promise<void>;
  /** What the provider wrote to stderr (its errors), for a failing test's message. */
  errors(): string;
  close(): Promise<void>;
}

const ROOT = path.join(__dirname, '..', '..');

export const startTestProvider = async (): Promise<TestProvider> => {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'oidc-provider-child.ts')],
    { cwd: ROOT, stdio: 'pipe', env: { ...process.env, NODE_ENV: 'test' } },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const messages = createInterface({ input: child.stdout });
  const next = (what: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`provider: no ${what}\n${stderr}`)), 60_000);
      const onExit = () => reject(new Error(`provider exited before ${what}\n${stderr}`));
      child.once('exit', onExit);
      messages.once('line', (line) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(JSON.parse(line) as Record<string, unknown>);
      });
    });
  const { issuer } = (await next('issuer')) as { issuer: string };
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    configure: async (setup) => {
      const ready = next('ready');
      child.stdin.write(`${JSON.stringify(setup)}\n`);
      await ready;
    },
    errors: () => stderr,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
};
