/**
 * A test run or a bench that is killed (a CI timeout, Ctrl-C twice, the OOM killer) never
 * reaches its cleanup, and leaves its embedded PostgreSQL data folder in the temp folder: about
 * 70 MiB for a test cluster, 300 MiB for a bench's, and nothing ever removed them. Each folder
 * now names the process that made it; a later run removes the folders whose process is gone,
 * after stopping a server still running in one (the bench's npm server has no watchdog).
 *
 * It lives under bench/ because the bench's compilation (bench/tsconfig.json) reaches nothing
 * outside bench/, while the tests (test/support/postgres.ts) can import from here.
 */
import { promises as fs, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sleep } from './http-json';

const OWNER_FILE = 'owner.pid';
/**
 * Folders without an owner file (made by a checkout from before it, or killed between mkdtemp
 * and the marker) go by age: a test file's cluster lives for minutes, npm test for about 15.
 */
const UNMARKED_STALE_MS = 60 * 60 * 1000;

/**
 * Writes this process's pid into a temp folder it made, for `removeStaleTempDirs`. Synchronous,
 * straight after the folder's mkdtemp: a signal handled in between would leave a folder with
 * no owner or an empty owner file (seen on a Ctrl-C during a bench's start).
 */
export const markTempDirOwner = (dir: string): void =>
  writeFileSync(path.join(dir, OWNER_FILE), String(process.pid));

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, and someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const ownerOf = async (dir: string): Promise<number | undefined> => {
  const text = await fs.readFile(path.join(dir, OWNER_FILE), 'utf8').catch(() => undefined);
  const pid = Number(text);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
};

/**
 * The PostgreSQL serving `<dir>/data`, by its postmaster.pid: `none` when there is none or its
 * pid is gone or is now another program's (Linux tells by the command line), `unverified` when
 * the pid lives but there is no /proc to ask (macOS). The same test as the service's own
 * start-up (isServerFor in src/infrastructure/postgres/embedded-postgres-host.ts, which the
 * bench's compilation cannot import).
 */
async function serverIn(dir: string): Promise<{ pid: number; verified: boolean } | 'none'> {
  const dataDir = path.join(dir, 'data');
  const pidText = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number(pidText.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return 'none';
  const commandLine = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (commandLine === undefined) return { pid, verified: false };
  return commandLine.split('\0').includes(dataDir) ? { pid, verified: true } : 'none';
}

/**
 * A server left running by a dead owner (killed, its server not): asked for a fast shutdown
 * (SIGINT), as its own watchdog would. Only a pid whose command line names the data folder is
 * signalled. True when no server is left.
 */
async function stopOrphanedServer(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return !isAlive(pid);
  }
  for (let waited = 0; waited < 10_000; waited += 100) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return false;
}

/**
 * Removes the temp folders named `<prefix>…` whose owner has exited, and unmarked ones older
 * than an hour with no server running in them (an unmarked folder may be a long run of an older
 * checkout, which writes no owner file: its server is left alone). Never fails the run that
 * calls it: a folder it cannot read or remove is left.
 */
export async function removeStaleTempDirs(prefix: string, tmp = os.tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  const names = await fs.readdir(tmp).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(prefix))) {
    const dir = path.join(tmp, name);
    const owner = await ownerOf(dir);
    if (owner !== undefined) {
      if (isAlive(owner)) continue;
    } else {
      const stat = await fs.stat(dir).catch(() => undefined);
      if (!stat?.isDirectory() || Date.now() - stat.mtimeMs < UNMARKED_STALE_MS) continue;
    }
    const server = await serverIn(dir);
    if (server !== 'none') {
      // Only a dead owner's server, known to be that folder's, is stopped.
      if (owner === undefined || !server.verified) continue;
      if (!(await stopOrphanedServer(server.pid))) continue;
    }
    try {
      await fs.rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // another run's, or not ours to remove: leave it
    }
  }
  return removed;
}
