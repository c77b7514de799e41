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
  /** How long after the quiet RSS took to settle (see rssAtRest). */
  restedSeconds: number;
  /** V8's heap at rest, from the server's /metrics (read after RSS): held and used. */
  heapHeldMiB?: number;
  heapUsedMiB?: number;
  rssAfterCallbacksMiB: number;
  peakRssMiB: number;
  callbackMs: Spread;
  refused: number;
}

/**
 * "At rest" starts once the server's CPU has gone quiet and lasts until its RSS stops falling:
 * past HEAP_RELEASE_IDLE_MS (2 s by default) a quiet server collects the heap its catch-up grew,
 * 2 to 3.5 s into the quiet in the runs measured so far. A fixed wait of 3 s (until 2026-12-08)
 * read some runs before that release and some after. Read too soon, the figure would be the
 * catch-up's high-water mark, which the peak column already shows.
 */
const REST_MIN_MS = 3_000;
/** RSS has settled when it moved by at most SETTLED_MIB over the last SETTLED_FOR_MS. */
const SETTLED_FOR_MS = 3_000;
const SETTLED_MIB = 2;
/** A server whose RSS keeps moving is read anyway after this long, and the wait says so. */
const REST_MAX_MS = 20_000;
const SAMPLE_MS = 500;

/** RSS once it has stopped falling (or after REST_MAX_MS), and how long that took. */
async function rssAtRest(pid: number): Promise<{ rssMiB: number; restedMs: number }> {
  const started = performance.now();
  const samples: Array<{ at: number; rss: number }> = [];
  for (;;) {
    const at = performance.now() - started;
    samples.push({ at, rss: memoryMiB([pid]).rss });
    const recent = samples.filter((s) => at - s.at <= SETTLED_FOR_MS).map((s) => s.rss);
    const spanned = samples[0].at <= at - SETTLED_FOR_MS;
    const settled = spanned && Math.max(...recent) - Math.min(...recent) <= SETTLED_MIB;
    if ((at >= REST_MIN_MS && settled) || at >= REST_MAX_MS)
      return { rssMiB: samples.at(-1)!.rss, restedMs: at };
    await sleep(SAMPLE_MS);
  }
}

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
  const { rssMiB, restedMs } = await rssAtRest(pid);
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
    restedSeconds: restedMs / 1000,
    heapHeldMiB: heap.heldMiB,
    heapUsedMiB: heap.usedMiB,
    rssAfterCallbacksMiB: memory.rss,
    peakRssMiB: memory.peakRss,
    callbackMs: spread(latencies),
    refused,
  };
}
