/**
 * The supervisor's restart policy with real forked processes (node:cluster), small stand-in
 * workers instead of Baton so the timings can be short: a worker that dies is replaced; one that
 * keeps failing at start-up makes the fleet give up; a failure during the first start fails the
 * start; stop() ends every worker.
 */
import { Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkerFleet } from '../../src/hosting/cluster/worker-fleet';

/** Says it listens unless its mode file says to fail at start-up; SIGTERM ends it. */
const STAND_IN = `
const mode = require('fs').readFileSync(process.env.MODE_FILE, 'utf8').trim();
if (mode === 'fail-start') process.exit(3);
process.send({ baton: 'ready' });
process.on('SIGTERM', () => process.exit(0));
setInterval(() => undefined, 1000);
`;

const POLICY = { firstDelayMs: 20, maxDelayMs: 80, stableMs: 60_000, maxFailures: 3 };

class RecordingLogger {
  readonly lines: string[] = [];
  log = (m: string) => void this.lines.push(m);
  warn = (m: string) => void this.lines.push(m);
  error = (m: string) => void this.lines.push(m);
}

const until = async (what: string, check: () => boolean, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('WorkerFleet (the supervisor of WORKERS)', () => {
  let dir: string;
  let modeFile: string;
  let fleet: WorkerFleet | undefined;
  let logger: RecordingLogger;

  const setMode = (mode: 'ok' | 'fail-start') => fs.writeFile(modeFile, mode);
  const newFleet = (count: number) =>
    new WorkerFleet(count, () => ({ MODE_FILE: modeFile }), logger as unknown as Logger, POLICY);

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'baton-fleet-'));
    modeFile = path.join(dir, 'mode');
    const script = path.join(dir, 'stand-in.js');
    await fs.writeFile(script, STAND_IN);
    cluster.setupPrimary({ exec: script, args: [], execArgv: [], silent: true });
  });

  beforeEach(() => {
    logger = new RecordingLogger();
  });

  afterEach(async () => {
    await fleet?.stop(5000);
    fleet = undefined;
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('replaces a worker that dies and stops them all on request', async () => {
    await setMode('ok');
    fleet = newFleet(2);
    await fleet.start();
    const [first, second] = fleet.running();
    expect(fleet.running()).toHaveLength(2);
    first.process.kill('SIGKILL');
    await until('a replacement', () => fleet!.replacements === 1);
    expect(fleet.running()).toHaveLength(2);
    expect(fleet.running()).not.toContain(first);
    expect(logger.lines.join('\n')).toMatch(/worker 1 \(pid \d+\) killed by SIGKILL/);

    await fleet.stop(5000);
    expect(fleet.running()).toHaveLength(0);
    expect(second.process.signalCode ?? second.process.exitCode).not.toBeNull();
  });

  it('gives up when a worker keeps failing at start-up, with back-off between tries', async () => {
    await setMode('ok');
    fleet = newFleet(2);
    await fleet.start();
    await setMode('fail-start');
    const startedAt = Date.now();
    fleet.running()[1].process.kill('SIGKILL');
    const reason = await fleet.gaveUp;
    expect(reason).toMatch(/worker 2 failed 3 times in a row/);
    // Waits of 20 and 40 ms between the failures: the tries were spaced, not a hot loop.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(60);
    expect(logger.lines.filter((l) => /worker 2 exit code 3 during start-up/.test(l))).toHaveLength(
      2,
    );
    expect(fleet.running()).toHaveLength(1);
  });

  it('fails the first start when a worker cannot start', async () => {
    await setMode('fail-start');
    fleet = newFleet(2);
    await expect(fleet.start()).rejects.toThrow(/worker 1 exit code 3 during start-up/);
    expect(fleet.running()).toHaveLength(0);
  });
});
