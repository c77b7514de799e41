import { promises as fs } from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Pool } from 'pg';
import {
  EmbeddedPostgresHandle,
  startEmbeddedPostgres,
} from '../../src/infrastructure/postgres/embedded-postgres';
import { runMigrations } from '../../src/infrastructure/postgres/migrations';
import { markTempDirOwner, removeStaleTempDirs } from '../../bench/lib/stale-temp-dirs';

const DIR_PREFIX = 'baton-pg-';
/** Once per test process: what killed runs left behind (see stale-temp-dirs.ts). */
let staleRemoved: Promise<unknown> | undefined;

/**
 * A throw-away PostgreSQL cluster for one test file. It never skips: if PostgreSQL cannot
 * start, the test fails, because a silently skipped database test proves nothing.
 */
export interface TestPostgres {
  /** Connection string of the cluster's maintenance database (`postgres`). */
  readonly adminConnectionString: string;
  readonly dataDir: string;
  readonly port: number;
  /** A new, empty, migrated database with its own pool; call drop() when done. */
  createTestDatabase(options?: { migrate?: boolean }): Promise<TestDatabase>;
  /** Stops the server but keeps its files, to simulate an outage. */
  stop(): Promise<void>;
  /** Starts it again on the same directory and port. */
  start(): Promise<void>;
  /** Stops the server and deletes everything. */
  cleanup(): Promise<void>;
}

export interface TestDatabase {
  readonly name: string;
  readonly connectionString: string;
  readonly pool: Pool;
  drop(): Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  staleRemoved ??= removeStaleTempDirs(DIR_PREFIX);
  await staleRemoved;
  const root = await fs.mkdtemp(path.join(os.tmpdir(), DIR_PREFIX));
  markTempDirOwner(root);
  const dataDir = path.join(root, 'data');
  let port = 0;
  let handle: EmbeddedPostgresHandle | undefined;

  const start = async (): Promise<void> => {
    // TCP too: fault tests put a proxy in front of the server.
    handle = await startEmbeddedPostgres({
      dataDir,
      port,
      persistent: true,
      durable: false,
      tcp: true,
    });
  };
  // Another process can grab the free port before PostgreSQL binds it; try a few.
  for (let attempt = 1; handle === undefined; attempt += 1) {
    port = await freePort();
    try {
      await start();
    } catch (error) {
      if (attempt >= 3) {
        await fs.rm(root, { recursive: true, force: true });
        throw error;
      }
    }
  }
  let counter = 0;
  const admin = handle.connectionString.replace(/\/[^/]*$/, '/postgres');
  return {
    adminConnectionString: admin,
    dataDir,
    port,
    createTestDatabase: (options) =>
      createTestDatabase(admin, `test_${process.pid}_${++counter}`, options),
    stop: async () => {
      await handle?.stop();
      handle = undefined;
    },
    start,
    cleanup: async () => {
      await handle?.stop();
      handle = undefined;
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}

export async function createTestDatabase(
  adminConnectionString: string,
  name: string,
  { migrate = true }: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  await withAdmin(adminConnectionString, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  const connectionString = adminConnectionString.replace(/\/postgres$/, `/${name}`);
  const pool = testPool(connectionString);
  if (migrate) await runMigrations(pool);
  return {
    name,
    connectionString,
    pool,
    drop: async () => {
      await pool.end();
      await withAdmin(adminConnectionString, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}

/**
 * A pool whose idle connections may die when a test stops the server; without an 'error'
 * listener node-postgres would turn that into an uncaught exception.
 */
export function testPool(connectionString: string, max = 25): Pool {
  const pool = new Pool({ connectionString, max, connectionTimeoutMillis: 5000 });
  pool.on('error', () => undefined);
  return pool;
}

async function withAdmin<T>(url: string, work: (pool: Pool) => Promise<T>): Promise<T> {
  const admin = testPool(url, 1);
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** Asks the OS for a port nobody is listening on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port assigned')),
      );
    });
  });
}
