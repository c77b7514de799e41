import { performance } from 'node:perf_hooks';
import { requestJson, sleep, waitUntil } from '../lib/http-json';
import { cpuSeconds, memoryMiB } from '../lib/process-stats';
import { metricValue } from '../lib/prometheus-text';
import { spread, Spread } from '../lib/stats';
import { SeededProcess } from './seed';

const LSO_PAYLOAD = {
  job_id: 'bench-scale',
  output: 'PLAY RECAP ok=3 changed=1',
  return_code: 0,
  status: 'successful',
};

/**
 * Baton has caught up when the newest seeded process is listed as awaiting a callback (the
 * projection reached it) and the server's CPU has gone quiet (its runner is done replaying).
 */
export async function waitCaughtUp(
  baseUrl: string,
  pid: number,
  newestId: string,
): Promise<number> {
  const began = performance.now();
  await waitUntil(
    'the newest seeded process in the list',
    async () => {
      const r = await requestJson(
        'GET',
        `${baseUrl}/api/processes?status=awaiting_callback&limit=1`,
      );
      return (
        (r.body as { items?: Array<{ processId?: string }> }).items?.[0]?.processId === newestId
      );
    },
    1_800_000,
    500,
  );
  for (;;) {
    const before = cpuSeconds([pid]);
    await sleep(2_000);
    if (cpuSeconds([pid]) - before < 0.1) break;
  }
  return (performance.now() - began) / 1000;
}

export interface WaitingMeasurement {
  waiting: number;
  catchUpSeconds: number;
  rssMiB: number;
  /** V8's heap at rest, from the server's /metrics (read after RSS): held and used. */
  heapHeldMiB?: number;
  heapUsedMiB?: number;
  rssAfterCallbacksMiB: number;
  peakRssMiB: number;
  callbackMs: Spread;
  refused: number;
}

/**
 * How long "at rest" lasts before RSS is read: past HEAP_RELEASE_IDLE_MS (2 s by default), after
 * which a server that has gone quiet collects the heap its catch-up grew. Read sooner, the figure
 * would be the catch-up's high-water mark, which the peak column already shows.
 */
const REST_MS = 3_000;

/** A gauge of the server's /metrics in MiB (undefined when missing). */
const gaugeMiB = (metrics: string, name: string): number | undefined => {
  const bytes = metricValue(metrics, name);
  return bytes === undefined ? undefined : bytes / 2 ** 20;
};

/**
 * How much of the RSS is V8's heap, and how much of that is alive: a heap held far above the
 * used one is memory the service could give back.
 */
async function heapAtRest(baseUrl: string): Promise<{ heldMiB?: number; usedMiB?: number }> {
  const r = await requestJson('GET', `${baseUrl}/metrics`);
  if (r.status !== 200 || typeof r.body !== 'string') return {};
  return {
    heldMiB: gaugeMiB(r.body, 'nodejs_heap_size_total_bytes'),
    usedMiB: gaugeMiB(r.body, 'nodejs_heap_size_used_bytes'),
  };
}

/** RSS at rest, then `callbacks` callback POSTs one after another, timed one by one. */
export async function measureWhileWaiting(
  baseUrl: string,
  pid: number,
  waiting: number,
  catchUpSeconds: number,
  targets: SeededProcess[],
): Promise<WaitingMeasurement> {
  await sleep(REST_MS);
  const rssMiB = memoryMiB([pid]).rss;
  const heap = await heapAtRest(baseUrl);
  const latencies: number[] = [];
  let refused = 0;
  for (const target of targets) {
    const t = performance.now();
    const answer = await requestJson(
      'POST',
      `${baseUrl}/api/processes/${target.processId}/callback/${target.token}`,
      LSO_PAYLOAD,
    );
    latencies.push(performance.now() - t);
    if (answer.status !== 200) refused += 1;
  }
  const memory = memoryMiB([pid]);
  return {
    waiting,
    catchUpSeconds,
    rssMiB,
    heapHeldMiB: heap.heldMiB,
    heapUsedMiB: heap.usedMiB,
    rssAfterCallbacksMiB: memory.rss,
    peakRssMiB: memory.peakRss,
    callbackMs: spread(latencies),
    refused,
  };
}
