import { ChildProcess, spawn } from 'child_process';
import { existsSync, promises as fs, readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import {
  EmbeddedPostgresHandle,
  startEmbeddedPostgres,
} from '../../src/infrastructure/postgres/embedded-postgres';
import { freePort } from '../support/postgres';

let root: string;
const running: EmbeddedPostgresHandle[] = [];

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'baton-embedded-'));
});
afterAll(async () => {
  await Promise.all(running.map((server) => server.stop()));
  // A failed crash test can leave a server that no handle knows about; don't leak it.
  for (const dir of ['crash', 'double-crash']) {
    const pid = await serverPid(path.join(root, dir, 'pg')).catch(() => 0);
    if (pid > 0 && isAlive(pid)) process.kill(pid, 'SIGQUIT');
  }
  await fs.rm(root, { recursive: true, force: true });
});

async function start(dataDir: string, port: number): Promise<EmbeddedPostgresHandle> {
  const server = await startEmbeddedPostgres({ dataDir, port, persistent: true, durable: false });
  running.push(server);
  return server;
}

async function query(connectionString: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

const serverPid = async (dataDir: string): Promise<number> =>
  Number((await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);

/** Alive and not a zombie: an orphaned server that exited waits for init to reap it. */
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return !existsSync('/proc'); // gone by now, or no /proc to ask (then trust kill)
  }
};

/** Starts the child that runs embedded PostgreSQL and resolves once it reports READY. */
function startChild(dataDir: string, port: number, durable = false): Promise<ChildProcess> {
  const script = path.join(__dirname, '..', 'support', 'embedded-postgres-child.ts');
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      script,
      dataDir,
      String(port),
      durable ? 'durable' : '',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('READY')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`child exited with ${code}: ${stderr}`)));
  });
}

describe('startEmbeddedPostgres', () => {
  it('creates the app database, listens on its Unix socket only, and keeps data across restarts', async () => {
    const dataDir = path.join(root, 'restart', 'pg');
    const port = await freePort();
    const first = await start(dataDir, port);
    // The app connects over the Unix socket in the data directory; no TCP port is taken, so
    // another server (a killed Baton's, not yet gone) can never stand in the way.
    expect(first.connectionString).toMatch(/@127\.0\.0\.1:\d+\/baton\?host=/);
    expect(decodeURIComponent(first.connectionString.split('host=')[1])).toBe(dataDir);
    expect(await query(first.connectionString, 'SELECT inet_client_addr() AS addr')).toEqual([
      { addr: null }, // null: not a TCP client
    ]);
    expect(await query(first.connectionString, 'SHOW listen_addresses')).toEqual([
      { listen_addresses: '' },
    ]);
    await query(first.connectionString, `CREATE TABLE kept (note text)`);
    await query(first.connectionString, `INSERT INTO kept VALUES ('still here')`);
    await first.stop();
    await first.stop(); // idempotent

    const second = await start(dataDir, port);
    expect(await query(second.connectionString, 'SELECT note FROM kept')).toEqual([
      { note: 'still here' },
    ]);
    await second.stop();
  });

  it('runs the server in a process group of its own, out of reach of a terminal ctrl-C', async () => {
    const dataDir = path.join(root, 'group', 'pg');
    const server = await start(dataDir, await freePort());
    const processGroup = (pid: number | 'self') =>
      readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /, '')
        .split(' ')[2];
    const pid = await serverPid(dataDir);
    expect(processGroup(pid)).toBe(String(pid)); // it leads its own group
    expect(processGroup(pid)).not.toBe(processGroup('self'));
    await server.stop();
    expect(isAlive(pid)).toBe(false);
  });

  it('stops the server of a process killed with SIGKILL, and starts again on its data', async () => {
    const dataDir = path.join(root, 'crash', 'pg');
    const port = await freePort();
    const child = await startChild(dataDir, port);
    const orphan = await serverPid(dataDir);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    // Its watchdog sees the process gone and asks the server for a fast shutdown.
    const deadline = Date.now() + 10_000;
    while (isAlive(orphan) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(isAlive(orphan)).toBe(false);

    const server = await start(dataDir, port);
    expect(await query(server.connectionString, 'SELECT note FROM crash_probe')).toEqual([
      { note: 'written before the crash' },
    ]);
    await server.stop();
  });

  it('starts after both the process and its server were killed with SIGKILL', async () => {
    const dataDir = path.join(root, 'double-crash', 'pg');
    const port = await freePort();
    // Durable: with fsync off, a server killed outright may lose its last commits.
    const child = await startChild(dataDir, port, true);
    const orphan = await serverPid(dataDir);
    child.kill('SIGKILL');
    process.kill(orphan, 'SIGKILL');

    const server = await start(dataDir, port);
    expect(
      await query(server.connectionString, 'SELECT count(*)::int AS n FROM crash_probe'),
    ).toEqual([{ n: 1 }]);
    await server.stop();
  });

  it('ignores a stale postmaster.pid whose pid now belongs to another process', async () => {
    const dataDir = path.join(root, 'stale', 'pg');
    const port = await freePort();
    await (await start(dataDir, port)).stop();
    const impostor = spawn('sleep', ['30']);
    try {
      await fs.writeFile(
        path.join(dataDir, 'postmaster.pid'),
        `${impostor.pid}\n${dataDir}\n0\n${port}\n`,
      );
      const server = await start(dataDir, port);
      expect(await query(server.connectionString, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
      expect(isAlive(impostor.pid!)).toBe(true);
      await server.stop();
    } finally {
      impostor.kill();
    }
  });
});
