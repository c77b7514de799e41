import { launchServerInOwnGroup } from './embedded-postgres-process';
import { watchForOrphan } from './embedded-postgres-watchdog';
import { ChildProcess } from 'child_process';
import { promises as fs } from 'fs';
import Module from 'module';
import * as path from 'path';
import { Client } from 'pg';
import {
  assertEmptyOrMissing,
  clearLeftoverServer,
  ensureOwnedBy,
  ensureServerUser,
  isInitialised,
  isRoot,
  makeParentsTraversable,
} from './embedded-postgres-host';

export type EmbeddedPostgresLog = (level: 'debug' | 'error', message: string) => void;

export interface EmbeddedPostgresOptions {
  /** The PostgreSQL data directory itself (the cluster), created and initialised on first use. */
  dataDir: string;
  port: number;
  /** false: stop() deletes the data directory, for throw-away test clusters. */
  persistent: boolean;
  /** false skips every fsync: much faster, and only acceptable for data you can lose (tests). */
  durable?: boolean;
  /**
   * Listen on 127.0.0.1 as well as on the Unix socket. Off by default: two Batons with
   * different data directories then never compete for a port (a killed one's orphaned server
   * used to hold it). Tests that put a TCP proxy in front of the server turn it on. Without a
   * usable socket (too long a path, Windows) the server listens on TCP regardless.
   */
  tcp?: boolean;
  /** The application database, created if missing. Defaults to `baton`. */
  database?: string;
  /** Routine server output arrives as 'debug'; startup failures and FATAL/PANIC as 'error'. */
  log?: EmbeddedPostgresLog;
}

export interface EmbeddedPostgresHandle {
  connectionString: string;
  stop(): Promise<void>;
}

/**
 * Fixed local-development credentials: acceptable only because the server listens on its Unix
 * socket in the (0700) data directory, or at most on 127.0.0.1.
 */
const USER = 'postgres';
const PASSWORD = 'baton-local';

/** The subset of the embedded-postgres class used here (the package ships no CJS typings). */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  process?: ChildProcess;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

/**
 * embedded-postgres is an ES module. Node (>= 20.19) can require() it from CommonJS, but Jest's
 * module loader cannot, and Jest also swaps `require('module')` for its own. getBuiltinModule
 * reaches Node's real loader, so the package loads the same way in the app and in tests.
 */
const nodeRequire = (process.getBuiltinModule?.('module') ?? Module).createRequire(__filename);

function loadPackage(): {
  EmbeddedPostgres: EmbeddedPostgresClass;
  pgCtl: string;
  postgres: string;
} {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const binaries = nodeRequire(`@embedded-postgres/${platform}-${process.arch}`) as {
    pg_ctl: string;
    postgres: string;
  };
  const main = nodeRequire('embedded-postgres') as { default: EmbeddedPostgresClass };
  return { EmbeddedPostgres: main.default, pgCtl: binaries.pg_ctl, postgres: binaries.postgres };
}

/**
 * Starts a real PostgreSQL from the embedded-postgres binaries, listening on its Unix socket
 * (and on 127.0.0.1 with `tcp`, or when no socket can be used).
 * Initialises the data directory on first use and keeps it afterwards, and recovers from a
 * previous run that was killed without stopping its server.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? 'baton';
  const durable = options.durable ?? true;
  const output = new ServerOutput(options.log ?? defaultLog);
  const { EmbeddedPostgres, pgCtl, postgres } = loadPackage();
  const socketDir = unixSocketDirFor(dataDir, options.port);

  const user = await ensureServerUser();
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  await makeParentsTraversable(dataDir);
  const tcp = options.tcp === true || socketDir === null;
  const flags = serverSettings(durable, socketDir, tcp).flatMap(([name, value]) => [
    '-c',
    `${name}=${value}`,
  ]);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    // The package would otherwise try to create the user even when not root, and fail.
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C', ...(durable ? [] : ['--no-sync'])],
    postgresFlags: flags,
    onLog: (message: string) => output.write(message),
    onError: (error: unknown) => output.fail(error),
  });

  if (await isInitialised(dataDir)) {
    await clearLeftoverServer(dataDir, pgCtl, user, (m) => output.log('debug', m));
    await ensureOwnedBy(dataDir, user);
  } else {
    await assertEmptyOrMissing(dataDir);
    await server.initialise();
  }
  output.forget(); // so a start failure reports the server's words, not initdb's
  try {
    // The package's own start() would run the server in our process group (see
    // embedded-postgres-process.ts); its stop() still does the stopping (SIGINT, fast shutdown).
    server.process = await launchServerInOwnGroup({
      postgres,
      dataDir,
      port: options.port,
      flags,
      user,
      onLog: (message) => output.write(message),
    });
    watchForOrphan(server.process.pid!, dataDir);
  } catch (error) {
    // The package rejects with nothing when the server exits early; its output says why.
    const reason = (error as { message?: string } | undefined)?.message;
    throw new Error(
      `PostgreSQL did not start (port ${options.port}) with data in ${dataDir}` +
        `${reason ? `: ${reason}` : ''}\n${output.recent()}`,
    );
  }

  const base = `postgresql://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${options.port}`;
  // Over the socket when there is one: a statement costs its client about half the CPU it costs
  // over loopback TCP, and without `tcp` there is nothing else to connect to.
  const at = (database: string) =>
    socketDir ? `${base}/${database}?host=${encodeURIComponent(socketDir)}` : `${base}/${database}`;
  const stop = once(async () => {
    // The package waits for an 'exit' that never comes if the server already died on its own.
    const child = server.process;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      await server.stop();
    }
  });
  try {
    await createDatabaseIfMissing(at('postgres'), database);
  } catch (error) {
    await stop();
    throw error;
  }
  return { connectionString: at(database), stop };
}

/** Longest path a Unix socket may have (sun_path holds 108 bytes, NUL included). */
const MAX_SOCKET_PATH = 107;

/**
 * The socket lives in the data directory itself, never in /tmp, so a killed server leaves
 * nothing behind elsewhere (PostgreSQL replaces its own stale socket on start). Too long a path,
 * or Windows: TCP only.
 */
function unixSocketDirFor(dataDir: string, port: number): string | null {
  if (process.platform === 'win32') return null;
  const socketPath = path.join(dataDir, `.s.PGSQL.${port}`);
  return Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH ? dataDir : null;
}

function serverSettings(
  durable: boolean,
  socketDir: string | null,
  tcp: boolean,
): Array<[string, string]> {
  return [
    ['listen_addresses', tcp ? '127.0.0.1' : ''],
    ['unix_socket_directories', socketDir ?? ''],
    // Drops WARNING and ERROR lines (clients get their errors anyway) but keeps LOG, which
    // embedded-postgres needs: it detects readiness by watching for a LOG line.
    ['log_min_messages', 'log'],
    ...(durable
      ? []
      : ([
          ['fsync', 'off'],
          ['synchronous_commit', 'off'],
          ['full_page_writes', 'off'],
        ] as Array<[string, string]>)),
  ];
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  client.on('error', () => undefined); // a failed query rejects anyway
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    }
  } finally {
    await client.end();
  }
}

/** Keeps PostgreSQL's chatter out of the way while making failures visible. */
class ServerOutput {
  private readonly lines: string[] = [];

  constructor(readonly log: EmbeddedPostgresLog) {}

  write(chunk: string): void {
    for (const line of chunk.split('\n').filter((l) => l.trim().length > 0)) {
      this.lines.push(line);
      if (this.lines.length > 40) this.lines.shift();
      this.log(isAlarming(line) ? 'error' : 'debug', line);
    }
  }

  fail(error: unknown): void {
    this.log('error', String((error as { message?: unknown } | undefined)?.message ?? error));
  }

  forget(): void {
    this.lines.length = 0;
  }

  recent(): string {
    return this.lines.join('\n');
  }
}

/** FATAL and PANIC matter, except the ones our own stop() causes in connected sessions. */
function isAlarming(line: string): boolean {
  return (
    /\b(FATAL|PANIC):/.test(line) &&
    !/terminating connection due to administrator command|database system is (shutting down|starting up)/.test(
      line,
    )
  );
}

function defaultLog(level: 'debug' | 'error', message: string): void {
  if (level === 'error') console.error(`[postgres] ${message}`);
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
