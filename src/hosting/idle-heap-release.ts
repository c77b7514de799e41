/**
 * Gives memory back to the system once the service has gone quiet after a burst of work.
 *
 * V8 grows its heap for a burst (a catch-up over 100k waiting processes, a rebuild, a load
 * test) and, in Node, rarely shrinks it afterwards: nothing tells it the process is idle, so the
 * old generation stays at its high-water mark until the next burst needs a major collection.
 * A service at rest would then hold hundreds of MiB it no longer uses. This watches the event
 * loop: when it has been (nearly) idle for `idleMs` and the heap has grown by `growthBytes`
 * since the last release, it runs one full collection, which compacts and returns the freed
 * pages. A busy service never pays for it (one check per `checkEveryMs`, no collection while
 * busy); an idle one pays once per burst.
 */
import { performance, EventLoopUtilization } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface IdleHeapReleaseOptions {
  /** How long the event loop must have been quiet before a release (HEAP_RELEASE_IDLE_MS). */
  idleMs: number;
  /** Growth of the used heap since the last release that makes a release worth it. */
  growthBytes?: number;
  /** How often the loop's utilization is sampled. */
  checkEveryMs?: number;
  /** Below this share of busy time in a sample, the loop counts as quiet. */
  quietUtilization?: number;
  /** Seams for the test: the collection, the used heap, the loop's utilization. */
  collect?: () => void;
  heapUsed?: () => number;
  utilization?: (since?: EventLoopUtilization) => EventLoopUtilization;
  /** Told about each release (the start-up wiring logs it at debug). */
  onRelease?: (before: number, after: number) => void;
}

export interface IdleHeapRelease {
  /** Runs one check now (the timer calls it; tests call it directly). */
  check(): void;
  stop(): void;
}

const MiB = 1024 * 1024;

/**
 * V8's own full collection, made callable without starting Node with --expose-gc: the flag is
 * set at run time and the function fetched from a fresh context, where V8 installs it. Null
 * when this V8 refuses, in which case there is nothing to release with.
 */
export const fullCollection = (): (() => void) | null => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
};

export const startIdleHeapRelease = (options: IdleHeapReleaseOptions): IdleHeapRelease | null => {
  // Off first: fetching V8's collection sets a V8 flag, which an instance with it off must not.
  if (options.idleMs <= 0) return null;
  const collect = options.collect ?? fullCollection();
  if (!collect) return null;
  const growth = options.growthBytes ?? 32 * MiB;
  const every = options.checkEveryMs ?? 500;
  const quiet = options.quietUtilization ?? 0.05;
  const heapUsed = options.heapUsed ?? (() => process.memoryUsage().heapUsed);
  const utilization =
    options.utilization ??
    ((since?: EventLoopUtilization) => performance.eventLoopUtilization(since));

  let baseline = heapUsed();
  let last = utilization();
  let quietSince: number | null = null;

  const check = () => {
    const sample = utilization(last);
    last = utilization();
    const now = performance.now();
    if (sample.utilization > quiet) {
      quietSince = null;
      return;
    }
    quietSince ??= now;
    if (now - quietSince < options.idleMs) return;
    const before = heapUsed();
    if (before - baseline < growth) return;
    collect();
    baseline = heapUsed();
    // The collection itself was busy time: the next sample would count it, which is what we
    // want; a new burst has to grow the heap again before the next release.
    quietSince = null;
    options.onRelease?.(before, baseline);
  };

  const timer = setInterval(check, every);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
};
