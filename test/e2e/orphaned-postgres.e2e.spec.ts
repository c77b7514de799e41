/**
 * Issue 16, item 8: a Baton killed with SIGKILL left its embedded PostgreSQL running (it runs in
 * a process group of its own), holding the port, so a second Baton with another DATA_DIR
 * failed with "could not bind ... Address already in use". Now the embedded server listens on
 * its Unix socket only, and a watchdog stops it once the Baton that started it is gone.
 */
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/postgres';
import { ServiceProcess, startServiceProcess } from '../support/service-process';

jest.setTimeout(240_000);

/** Alive and not a zombie (an orphan that exited waits for init to reap it). */
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return !existsSync('/proc');
  }
};

describe('a SIGKILLed Baton and its embedded PostgreSQL', () => {
  let root: string;
  const services: ServiceProcess[] = [];
  let orphan = 0;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'baton-orphan-'));
  });
  afterAll(async () => {
    for (const service of services) await service.kill('SIGTERM');
    if (orphan > 0 && isAlive(orphan)) process.kill(orphan, 'SIGQUIT'); // a failed run
    await fs.rm(root, { recursive: true, force: true });
  });

  it('lets another Baton (another DATA_DIR, same port) start, and the orphan exits by itself', async () => {
    const pgPort = String(await freePort());
    const start = async (name: string) => {
      const port = String(await freePort());
      const service = await startServiceProcess({
        PORT: port,
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        DATA_DIR: path.join(root, name),
        EMBEDDED_POSTGRES_PORT: pgPort,
        RUNNER_SIMULATOR: 'off',
        ANSIBLE_PROXY_URL: 'http://127.0.0.1:9',
      });
      services.push(service);
      return service;
    };
    const first = await start('first');
    const pidFile = path.join(root, 'first', 'postgres', 'postmaster.pid');
    orphan = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    expect(isAlive(orphan)).toBe(true);

    await first.kill('SIGKILL');
    const killedAt = Date.now();
    const gone = (async () => {
      while (isAlive(orphan) && Date.now() - killedAt < 30_000) {
        await new Promise((r) => setTimeout(r, 20));
      }
      return Date.now() - killedAt;
    })();
    const second = await start('second'); // failed to bind the port before the fix
    const secondUpMs = Date.now() - killedAt;
    const orphanGoneMs = await gone;
    console.log(
      `orphaned PostgreSQL: gone ${orphanGoneMs} ms after the SIGKILL; ` +
        `second Baton healthy after ${secondUpMs} ms`,
    );
    expect(isAlive(orphan)).toBe(false);
    expect(orphanGoneMs).toBeLessThan(10_000);
    expect(second.output()).not.toMatch(/Address already in use/);
  });
});
