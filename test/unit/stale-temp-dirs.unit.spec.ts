/**
 * Killed test runs leave embedded PostgreSQL folders behind; the next run removes those whose
 * process is gone, and nothing that belongs to a live one.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { markTempDirOwner, removeStaleTempDirs } from '../../bench/lib/stale-temp-dirs';

describe('removing the temp folders of killed test runs', () => {
  let tmp: string;
  beforeEach(() => (tmp = mkdtempSync(path.join(os.tmpdir(), 'baton-stale-test-'))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  const folder = (name: string, owner?: number): string => {
    const dir = path.join(tmp, name);
    mkdirSync(path.join(dir, 'data'), { recursive: true });
    writeFileSync(path.join(dir, 'data', 'PG_VERSION'), '18');
    if (owner !== undefined) writeFileSync(path.join(dir, 'owner.pid'), String(owner));
    return dir;
  };

  it("removes folders whose process has exited and keeps live processes' folders", async () => {
    // A pid that surely belonged to a process that has exited: a child that ran and ended.
    const exited = spawnSync(process.execPath, ['-e', '0']).pid;
    const dead = folder('pg-a', exited);
    const live = folder('pg-b', process.pid);
    const oldUnmarked = folder('pg-c');
    const twoHours = 2 * 60 * 60;
    utimesSync(oldUnmarked, Date.now() / 1000 - twoHours, Date.now() / 1000 - twoHours);
    const newUnmarked = folder('pg-d'); // made a moment ago: maybe a run still starting
    const otherPrefix = folder('other-e', exited);

    const removed = await removeStaleTempDirs('pg-', tmp);

    expect(removed.sort()).toEqual([dead, oldUnmarked].sort());
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(oldUnmarked)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(newUnmarked)).toBe(true);
    expect(existsSync(otherPrefix)).toBe(true);
  });

  it('marks a folder with this process, so that it is kept while the process runs', async () => {
    const dir = folder('pg-f');
    markTempDirOwner(dir);
    expect(await removeStaleTempDirs('pg-', tmp)).toEqual([]);
    expect(existsSync(dir)).toBe(true);
  });

  // A stand-in for an orphaned postmaster: a live process whose command line names the data
  // folder, named by postmaster.pid, that exits on SIGINT as PostgreSQL's fast shutdown does.
  const serverStandIn = (dataDir: string) => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', dataDir], {
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    writeFileSync(path.join(dataDir, 'postmaster.pid'), `${child.pid}\n${dataDir}\n`);
    return { child, exited };
  };

  /** Until the stand-in has exec'd: before that, its command line is still Jest's. */
  const running = async (pid: number, dir: string): Promise<void> => {
    for (let i = 0; i < 100; i++) {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (commandLine.includes(dir)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the stand-in ${pid} never started`);
  };

  it("stops a server still running in a dead owner's folder before removing it", async () => {
    const exited = spawnSync(process.execPath, ['-e', '0']).pid;
    const dir = folder('pg-g', exited);
    const server = serverStandIn(path.join(dir, 'data'));
    await running(server.child.pid!, dir);

    expect(await removeStaleTempDirs('pg-', tmp)).toEqual([dir]);
    expect(await server.exited).toBe('SIGINT');
    expect(existsSync(dir)).toBe(false);
  });

  it("leaves an unmarked folder alone while a server runs in it (an older checkout's run)", async () => {
    const dir = folder('pg-i');
    const twoHours = 2 * 60 * 60;
    utimesSync(dir, Date.now() / 1000 - twoHours, Date.now() / 1000 - twoHours);
    const server = serverStandIn(path.join(dir, 'data'));
    await running(server.child.pid!, dir);
    try {
      expect(await removeStaleTempDirs('pg-', tmp)).toEqual([]);
      expect(existsSync(dir)).toBe(true);
      expect(server.child.signalCode).toBeNull();
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  });

  it('never signals a process that a recycled pid in postmaster.pid now names', async () => {
    const exited = spawnSync(process.execPath, ['-e', '0']).pid;
    const dir = folder('pg-h', exited);
    // Some other process's folder on its command line, not this one's.
    const other = serverStandIn(mkdtempSync(path.join(tmp, 'elsewhere-')));
    writeFileSync(path.join(dir, 'data', 'postmaster.pid'), `${other.child.pid}\n`);
    try {
      expect(await removeStaleTempDirs('pg-', tmp)).toEqual([dir]);
      expect(other.child.exitCode).toBeNull();
      expect(other.child.signalCode).toBeNull();
    } finally {
      other.child.kill('SIGKILL');
      await other.exited;
    }
  });

  it('does nothing when the temp folder cannot be read', async () => {
    expect(await removeStaleTempDirs('pg-', path.join(tmp, 'missing'))).toEqual([]);
  });
});
