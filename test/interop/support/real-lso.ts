/**
 * Runs the real LSO (installed by interop/setup-lso.sh into .interop/venv) with uvicorn on a
 * loopback port. LSO reads its settings from the environment (pydantic BaseSettings in
 * lso/config.py), so "writing the settings" means setting these variables for its process.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../support/postgres';

const ROOT = path.resolve(__dirname, '../../..');
const VENV_BIN = path.join(ROOT, '.interop/venv/bin');

export interface RealLso {
  url: string;
  /** Where LSO keeps each job's files (`JOB_FILES_ROOT_DIR/<job_id>`). */
  jobFilesDir: string;
  output(): string;
  stop(): Promise<void>;
}

export const startRealLso = async (timeoutMs = 60_000): Promise<RealLso> => {
  if (!existsSync(path.join(VENV_BIN, 'uvicorn')))
    throw new Error('no LSO venv: run `bash interop/setup-lso.sh` (npm run test:interop does)');
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'baton-lso-'));
  const jobFilesDir = path.join(work, 'jobs');
  await fs.mkdir(jobFilesDir);
  await fs.mkdir(path.join(work, 'executables'));
  const port = await freePort();
  const settings = {
    ANSIBLE_PLAYBOOKS_ROOT_DIR: path.join(ROOT, 'interop/playbooks'),
    JOB_FILES_ROOT_DIR: jobFilesDir,
    EXECUTABLES_ROOT_DIR: path.join(work, 'executables'),
    EXECUTOR: 'threadpool', // no Celery/Redis: jobs run in LSO's own thread pool
    // LSO's default is TESTING=true, which makes POST /api/playbook/ wait for the whole run
    // (callback included) before answering; a deployment runs it asynchronously.
    TESTING: 'false',
  };
  let output = '';
  const child: ChildProcess = spawn(
    path.join(VENV_BIN, 'uvicorn'),
    ['lso.app:app', '--host', '127.0.0.1', '--port', String(port)],
    {
      cwd: work,
      // ansible-runner and LSO's inventory check run ansible-playbook / ansible-inventory from PATH
      env: { ...process.env, ...settings, PATH: `${VENV_BIN}:${process.env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await fs.rm(work, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`LSO exited during start-up:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`LSO not up within ${timeoutMs} ms:\n${output}`);
    }
    const up = await fetch(`${url}/api/version`)
      .then((r) => r.ok)
      .catch(() => false);
    if (up) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, jobFilesDir, output: () => output, stop };
};
