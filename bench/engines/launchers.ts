import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { startChild, StartedChild } from '../lib/child-processes';
import { BENCH_API_KEY, requestJson, waitUntil } from '../lib/http-json';
import { freePort } from '../lib/ports';
import { metricValue } from '../lib/prometheus-text';
import { BenchPostgres } from '../lib/postgres-server';
import { batonVariant } from '../lib/baton-variant';
import { benchScript, repoRoot } from '../lib/repo';
import { EngineKind } from '../load/engine-clients';

/** A server under test, started as its users would start it. */
export interface RunningEngine {
  /** Where the load generator sends its requests. */
  baseUrl: string;
  /** Roots of the server's process trees, for CPU and memory. */
  serverPids: number[];
  /** Its PostgreSQL database, if it uses one (statements are counted there). */
  database?: string;
  stop(): Promise<void>;
}

export interface EngineLauncher {
  name: string;
  kind: EngineKind;
  start(pg: BenchPostgres, lsoUrl: string): Promise<RunningEngine>;
}

export async function waitHealthy(
  name: string,
  url: string,
  child: StartedChild,
  timeoutMs = 60_000,
): Promise<void> {
  try {
    await waitUntil(
      `${name} at ${url}`,
      async () => {
        // A server that died will never answer: stop waiting (waitUntil swallows probe errors).
        if (child.child.exitCode !== null) return true;
        return (await requestJson('GET', url, undefined, 2_000)).status === 200;
      },
      timeoutMs,
    );
    if (child.child.exitCode !== null) throw new Error(`exited with ${child.child.exitCode}`);
  } catch (error) {
    throw new Error(
      `${name} did not become healthy: ${(error as Error).message}\n${child.recentOutput()}`,
    );
  }
}

/** Until the supervisor's merged /metrics says every configured worker listens. */
async function waitAllWorkers(baseUrl: string): Promise<void> {
  await waitUntil(
    `every Baton worker at ${baseUrl}`,
    async () => {
      const { status, body } = await requestJson('GET', `${baseUrl}/metrics`, undefined, 5_000);
      const running = metricValue(String(body), 'baton_workers_running');
      return (
        status === 200 &&
        running !== undefined &&
        running === metricValue(String(body), 'baton_workers_configured')
      );
    },
    600_000,
  );
}

/** A database of its own, reached over the Unix socket. */
async function ownDatabase(pg: BenchPostgres, database: string): Promise<string> {
  await pg.createDatabase(database);
  return pg.socketUrl(database);
}

/**
 * BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the Baton server (warm-up included) into that
 * folder when it stops; `node dist-bench/lib/cpu-profile-summary.js <file>` sums it up.
 */
function cpuProfileArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir)}`] : [];
}

/**
 * BENCH_HEAP_PROF=<dir> preloads a sampling heap profiler into the Baton server
 * (lib/heap-sampler.ts) that writes where its allocations came from into that folder when the
 * server exits;
 * `node dist-bench/lib/heap-profile-summary.js <file>` sums it up.
 */
function heapProfileArgs(): string[] {
  return process.env.BENCH_HEAP_PROF
    ? ['--require', path.join(__dirname, '..', 'lib', 'heap-sampler.js')]
    : [];
}

/** Baton as a user starts it: the compiled server, configured by environment only. */
export async function startBatonServer(
  databaseUrl: string,
  lsoUrl: string,
): Promise<{ baseUrl: string; server: StartedChild }> {
  const port = await freePort();
  const variant = await batonVariant();
  const server = startChild(
    'baton',
    process.execPath,
    [
      ...cpuProfileArgs(),
      ...heapProfileArgs(),
      path.join(repoRoot, 'dist/main.js'),
      '--workflows',
      path.join(repoRoot, 'dist-examples/l2vpn/src/index.js'),
    ],
    {
      echo: process.env.BENCH_ECHO === '1',
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        DATABASE_URL: databaseUrl,
        RUNNER_SIMULATOR: 'off',
        ANSIBLE_PROXY_URL: lsoUrl,
        LOG_LEVEL: 'warn',
        ...(process.env.BENCH_HEAP_PROF
          ? { BENCH_HEAP_PROF: path.resolve(process.env.BENCH_HEAP_PROF) }
          : {}),
        API_KEYS: `bench-admin:admin:${createHash('sha256').update(BENCH_API_KEY).digest('hex')}`,
        ...variant.env,
        // V8 and Node options for the Baton server alone (BENCH_BATON_NODE_OPTIONS, e.g.
        // "--max-semi-space-size=32"), to measure a setting without touching the other engines.
        ...(process.env.BENCH_BATON_NODE_OPTIONS
          ? { NODE_OPTIONS: process.env.BENCH_BATON_NODE_OPTIONS }
          : {}),
      },
    },
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy('Baton', `${baseUrl}/health`, server, 600_000);
    // /health answers once the first worker listens; measure only with all of them (WORKERS).
    if (variant.env.WORKERS) await waitAllWorkers(baseUrl);
    await variant.afterStart(baseUrl);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { baseUrl, server };
}

export const batonLauncher: EngineLauncher = {
  name: 'Baton',
  kind: 'baton',
  async start(pg, lsoUrl) {
    const url = await ownDatabase(pg, 'bench_baton');
    const { baseUrl, server } = await startBatonServer(url, lsoUrl);
    return {
      baseUrl,
      serverPids: [server.pid],
      database: 'bench_baton',
      stop: () => server.stop(),
    };
  },
};

export const dbosLauncher: EngineLauncher = {
  name: 'DBOS',
  kind: 'dbos',
  async start(pg, lsoUrl) {
    const url = await ownDatabase(pg, 'bench_dbos');
    const port = await freePort();
    const server = startChild('dbos', process.execPath, [benchScript('engines/dbos-app.main.ts')], {
      cwd: repoRoot,
      env: { ...process.env, PORT: String(port), DBOS_SYSTEM_DATABASE_URL: url, LSO_URL: lsoUrl },
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitHealthy('DBOS app', `${baseUrl}/health`, server);
    return {
      baseUrl,
      serverPids: [server.pid],
      database: 'bench_dbos',
      stop: () => server.stop(),
    };
  },
};

function restateServerBinary(): string {
  const require = createRequire(__filename);
  const pkg = require.resolve(
    `@restatedev/restate-server-${process.platform}-${process.arch}/package.json`,
  );
  return path.join(path.dirname(pkg), 'bin', 'restate-server');
}

export const restateLauncher: EngineLauncher = {
  name: 'Restate',
  kind: 'restate',
  async start(_pg, lsoUrl) {
    const baseDir = mkdtempSync(path.join(os.tmpdir(), 'baton-bench-restate-'));
    const [ingress, admin, fabric, servicePort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const ingressUrl = `http://127.0.0.1:${ingress}`;
    const adminUrl = `http://127.0.0.1:${admin}`;
    const server = startChild('restate-server', restateServerBinary(), ['--no-logo'], {
      cwd: baseDir,
      env: {
        ...process.env,
        RESTATE_BASE_DIR: baseDir,
        RESTATE_LISTEN_MODE: 'tcp',
        RESTATE_BIND_ADDRESS: `127.0.0.1:${fabric}`,
        RESTATE_ADMIN__BIND_ADDRESS: `127.0.0.1:${admin}`,
        RESTATE_INGRESS__BIND_ADDRESS: `127.0.0.1:${ingress}`,
        RESTATE_LOG_FILTER: 'warn',
      },
    });
    const service = startChild(
      'restate-service',
      process.execPath,
      [benchScript('engines/restate-service.main.ts')],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          PORT: String(servicePort),
          LSO_URL: lsoUrl,
          RESTATE_INGRESS_URL: ingressUrl,
        },
      },
    );
    const stop = async (): Promise<void> => {
      await Promise.all([server.stop(), service.stop()]);
      rmSync(baseDir, { recursive: true, force: true });
    };
    try {
      await waitHealthy('Restate admin', `${adminUrl}/health`, server);
      await waitHealthy('Restate ingress', `${ingressUrl}/restate/health`, server);
      const registered = await requestJson('POST', `${adminUrl}/deployments`, {
        uri: `http://127.0.0.1:${servicePort}`,
      });
      if (registered.status >= 300) {
        throw new Error(
          `registering the Restate service: ${registered.status} ${JSON.stringify(registered.body)}\n${service.recentOutput()}`,
        );
      }
      // The ingress learns about new deployments asynchronously.
      await waitUntil('l2vpn on the Restate ingress', async () => {
        const probe = await requestJson('POST', `${ingressUrl}/l2vpn/readiness-probe/status`, {});
        return probe.status === 200;
      });
    } catch (error) {
      await stop();
      throw error;
    }
    return { baseUrl: ingressUrl, serverPids: [server.pid, service.pid], stop };
  },
};
