/**
 * WORKERS=2 as `npm start` runs it: one supervisor with the embedded PostgreSQL, two worker
 * processes sharing the port. Requests reach both; a worker SIGKILLed mid-run is replaced while
 * every process still completes exactly once (its partitions are taken over like a dead
 * instance's); live event streams on the surviving worker see every process's events, whichever
 * worker drove it; SIGTERM drains both workers and stops PostgreSQL.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { call } from '../support/api';
import { freePort } from '../support/postgres';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { SseClient } from '../support/sse-client';
import { CallingLso, startCallingLso } from '../faults/support/calling-lso';
import { ClusterClient, inParallel } from '../faults/support/cluster';
import { checkCompletedHistory } from '../faults/support/history-checks';

jest.setTimeout(240_000);

const PROCESSES = 40;
const KILL_AFTER_STARTED = 12;

/** GET on a connection of its own (no keep-alive), so the port may hand it to either worker. */
const healthOnFreshConnection = (
  url: string,
): Promise<{ worker?: { index: number; of: number } }> =>
  new Promise((resolve, reject) => {
    http
      .get(`${url}/health`, { agent: false, headers: { connection: 'close' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(JSON.parse(text)));
      })
      .on('error', reject);
  });

const metricValue = (text: string, name: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no ${name} in /metrics`);
  return Number(line.split(' ')[1]);
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('WORKERS=2 (supervisor, embedded PostgreSQL, real child processes)', () => {
  let lso: CallingLso;
  let dataDir: string;
  let service: ServiceProcess;

  beforeAll(async () => {
    lso = await startCallingLso([], { delayMs: 20 });
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'baton-workers-'));
    const port = String(await freePort());
    service = await startServiceProcess(
      {
        WORKERS: '2',
        PORT: port,
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        DATA_DIR: dataDir,
        EMBEDDED_POSTGRES_PORT: String(await freePort()),
        ANSIBLE_PROXY_URL: lso.url,
        RUNNER_SIMULATOR: 'off',
        LOG_LEVEL: 'log',
        OWNERSHIP_CHECK_MS: '500',
        TIMER_POLL_MS: '200',
      },
      180_000,
    );
    lso.targets.push(service.url);
    await service.waitForOutput(/2 workers listening/, 0, 120_000);
  });

  afterAll(async () => {
    await service?.kill('SIGKILL'); // only if a test failed before the graceful stop
    await lso?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('serves requests from both workers and adds their metrics up', async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 20 && seen.size < 2; i++) {
      const body = await healthOnFreshConnection(service.url);
      expect(body.worker?.of).toBe(2);
      seen.add(body.worker!.index);
    }
    expect([...seen].sort()).toEqual([1, 2]);
    const metrics = await call('GET', `${service.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metricValue(metrics.body, 'baton_workers_running')).toBe(2);
    expect(metricValue(metrics.body, 'baton_workers_in_scrape')).toBe(2);
    expect(metricValue(metrics.body, 'baton_event_store_up')).toBe(1);
  });

  it('replaces a SIGKILLed worker while every process completes exactly once', async () => {
    const streams = await Promise.all([1, 2, 3].map(() => openCompletedStream(service.url)));
    const victimPid = Number(service.output().match(/worker 2 \(pid (\d+)\) listening/)![1]);
    const client = new ClusterClient(() => [service.url]);
    let started = 0;
    let killedFrom = -1;
    const ids = await inParallel(PROCESSES, 8, (i) =>
      client.runL2vpn(`workers-${i}`, () => {
        if (++started !== KILL_AFTER_STARTED) return;
        killedFrom = service.output().length;
        process.kill(victimPid, 'SIGKILL');
      }),
    );
    expect(killedFrom).toBeGreaterThan(0);
    const replaced = await service.waitForOutput(/worker 2 \(pid (\d+)\) listening/, killedFrom);
    expect(Number(replaced[1])).not.toBe(victimPid);
    expect(service.output().slice(killedFrom)).toMatch(/worker 2 \(pid \d+\) killed by SIGKILL/);

    const problems: string[] = [];
    for (const id of ids)
      problems.push(...checkCompletedHistory(id, await client.events(id)).problems);
    expect(problems).toEqual([]);
    expect(new Set(ids).size).toBe(PROCESSES);

    // A stream on the killed worker ends with it; one on the survivor saw every completion.
    const survivors = streams.filter((s) => !s.ended);
    expect(survivors.length).toBeGreaterThan(0);
    for (const stream of survivors) {
      await stream.waitFor((s) => ids.every((id) => completedIn(s).has(id)), 30_000);
      stream.close();
    }
    const metrics = await call('GET', `${service.url}/metrics`);
    expect(metricValue(metrics.body, 'baton_worker_replacements_total')).toBe(1);
    expect(metricValue(metrics.body, 'baton_workers_running')).toBe(2);
  });

  it('drains both workers on SIGTERM and stops PostgreSQL', async () => {
    const postmaster = path.join(dataDir, 'postgres', 'postmaster.pid');
    const pgPid = Number((await fs.readFile(postmaster, 'utf8')).split('\n')[0]);
    expect(isAlive(pgPid)).toBe(true);
    const from = service.output().length;
    await service.kill('SIGTERM');
    expect(service.child.exitCode).toBe(0);
    const after = service.output().slice(from);
    expect(after).toMatch(/SIGTERM: stopping the workers/);
    expect(after.match(/SIGTERM: shutting down/g)).toHaveLength(2);
    expect(isAlive(pgPid)).toBe(false);
    await expect(fs.access(postmaster)).rejects.toThrow();
  });
});

const openCompletedStream = async (url: string): Promise<SseClient> => {
  const stream = await SseClient.open(`${url}/api/events?type=ProcessCompleted`);
  expect(stream.status).toBe(200);
  await stream.waitFor((c) => c.comments.includes('connected'));
  return stream;
};

const completedIn = (stream: SseClient): Set<string> =>
  new Set(stream.messages.map((m) => (JSON.parse(m.data) as { processId: string }).processId));
