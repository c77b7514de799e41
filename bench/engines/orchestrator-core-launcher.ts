import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startChild } from '../lib/child-processes';
import { freePort } from '../lib/ports';
import { ExtensionPaths } from '../lib/postgres-server';
import { repoRoot } from '../lib/repo';
import { EngineLauncher, waitHealthy } from './launchers';

/**
 * orchestrator-core 5.5 (pip-installed into a cached venv) serving the seed workflow as its
 * callback documentation writes it (bench/engines/orchestrator-core/), under one uvicorn worker
 * with EXECUTOR=threadpool, on the bench's PostgreSQL.
 */
const APP_DIR = path.join(repoRoot, 'bench/engines/orchestrator-core');
const VENV = path.join(repoRoot, '.bench/oc-venv');
const python = path.join(VENV, 'bin/python');

/**
 * Builds the venv if its pinned requirements changed (scripts/cached-venv.sh, shared with the
 * interop test) and says where its pgvector lives: orchestrator-core's migrations create the
 * `vector` extension, which the npm PostgreSQL build does not ship.
 */
export function prepareOrchestratorCore(): ExtensionPaths {
  execFileSync(
    'bash',
    [
      path.join(repoRoot, 'scripts/cached-venv.sh'),
      VENV,
      path.join(APP_DIR, 'requirements.txt'),
      'orchestrator.core',
      'OC_PYTHON',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const found = execFileSync(python, [path.join(APP_DIR, 'pgvector_paths.py')], {
    encoding: 'utf8',
    // platformdirs warns about XDG_RUNTIME_DIR on import; a real failure exits non-zero.
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(found) as ExtensionPaths;
}

/** Everything the Python side reads, and nothing that makes it chatty or slow on purpose. */
function ocEnvironment(databaseUri: string, publicUrl: string, lsoUrl: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PYTHONPATH: APP_DIR,
    DATABASE_URI: databaseUri,
    EXECUTOR: 'threadpool',
    OAUTH2_ACTIVE: 'False',
    // Its default DEBUG logs every step's state, callback tokens included.
    LOG_LEVEL: 'WARNING',
    // Its logging set-up keeps uvicorn at INFO, whose access log has the callback URL (token).
    LOG_LEVEL_UVICORN: 'WARNING',
    // Else litellm downloads a model price list when the first process ends.
    LITELLM_LOCAL_MODEL_COST_MAP: 'True',
    ENVIRONMENT: 'local',
    TESTING: 'False',
    PUBLIC_URL: publicUrl,
    LSO_URL: lsoUrl,
  };
}

export const orchestratorCoreLauncher: EngineLauncher = {
  name: 'orchestrator-core',
  kind: 'orchestrator-core',
  async start(pg, lsoUrl) {
    await pg.createDatabase('bench_oc');
    // SQLAlchemy's psycopg 3 dialect, over the Unix socket like every other engine. The socket
    // directory stays unescaped: alembic reads the URI through configparser, which takes '%'
    // for interpolation.
    const socket = new URL(pg.socketUrl('bench_oc'));
    socket.search = '';
    const databaseUri = `${socket.toString().replace(/^postgresql:/, 'postgresql+psycopg:')}?host=${new URL(pg.socketUrl('bench_oc')).searchParams.get('host')}`;
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env = ocEnvironment(databaseUri, baseUrl, lsoUrl);
    // `db init` writes an alembic environment into the working directory: a throw-away one.
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'baton-bench-oc-'));
    const cli = (...args: string[]): void => {
      execFileSync(python, [path.join(APP_DIR, 'bench_cli.py'), ...args], {
        cwd: workDir,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    };
    try {
      cli('db', 'init');
      cli('db', 'upgrade', 'heads');
      cli('register-workflow');
    } catch (error) {
      rmSync(workDir, { recursive: true, force: true });
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().slice(-3000) ?? '';
      throw new Error(
        `orchestrator-core migrations failed: ${(error as Error).message}\n${stderr}`,
      );
    }
    const server = startChild(
      'orchestrator-core',
      python,
      [
        '-m',
        'uvicorn',
        'bench_app:app',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--workers',
        '1',
        '--log-level',
        'warning',
        '--no-access-log',
        // uvicorn closes idle keep-alive connections after 5 s; the load generator's pooled
        // sockets idle that long while a process waits, and a request sent on one as it closes
        // fails with ECONNRESET (a process lost to the harness, not to orchestrator-core).
        '--timeout-keep-alive',
        '120',
      ],
      { cwd: workDir, env, echo: process.env.BENCH_ECHO === '1' },
    );
    const stop = async (): Promise<void> => {
      await server.stop();
      rmSync(workDir, { recursive: true, force: true });
    };
    try {
      await waitHealthy('orchestrator-core', `${baseUrl}/api/health/`, server, 120_000);
    } catch (error) {
      await stop();
      throw error;
    }
    return { baseUrl, serverPids: [server.pid], database: 'bench_oc', stop };
  },
};
