/**
 * Gives memory back to the system once the service has gone quiet after a burst of work.
 *
 * V8 grows its heap for a burst (a catch-up over 100k waiting processes, a rebuild, a load
 * test) and, in Node, rarely shrinks it afterwards. Its own collections bring the *used* heap
 * down, but the pages stay committed: what the burst left alive (a fold here, a cache entry
 * there) is spread over all of them, and a full collection only moves objects off the pages
 * its heuristics pick. Measured at 100k waiting processes: 52 MiB used in 209 MiB held, RSS
 * 302 MiB, and V8's own memory reducer had not run when RSS was read (3 s at rest). This watches
 * the event loop: when it has been (nearly) idle for `idleMs` and the old generation V8 holds
 * has grown by `growthBytes` since the last release, it runs one full collection that compacts
 * every page, and the freed pages go back to the system. A busy service never pays for it (one
 * check per `checkEveryMs`, no collection while busy); an idle one pays once per burst, and at
 * most once per `minGapMs`, with a pause that grows with what is alive (100–270 ms for 20–110
 * MiB alive in a 330 MiB heap, measured on this machine).
 */
import { performance, EventLoopUtilization } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface IdleHeapReleaseOptions {
  /** How long the event loop must have been quiet before a release (HEAP_RELEASE_IDLE_MS). */
  idleMs: number;
  /** Growth of the old generation V8 holds since the last release that makes one worth it. */
  growthBytes?: number;
  /**
   * The least time between two releases: a service that stays under the quiet share of busy
   * time while its heap grows would otherwise pause for a release every `growthBytes`.
   */
  minGapMs?: number;
  /** How often the loop's utilization is sampled. */
  checkEveryMs?: number;
  /** Below this share of busy time in a sample, the loop counts as quiet. */
  quietUtilization?: number;
  /** Seams for the test: the collection, the old generation V8 holds, the loop's utilization. */
  collect?: () => void;
  heapHeld?: () => number;
  utilization?: (since?: EventLoopUtilization) => EventLoopUtilization;
  /** Told about each release: bytes held before and after, the pause in ms (logged at debug). */
  onRelease?: (before: number, after: number, pauseMs: number) => void;
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

const COMPACT_EVERY_FULL_GC = '--compact-on-every-full-gc';
/** Old space a compacting collection may leave free before it is taken for a plain one. */
const LEFT_UNCOMPACTED = 16 * MiB;

const oldSpaceFree = (): number => {
  const old = getHeapSpaceStatistics().find((space) => space.space_name === 'old_space');
  return old ? old.space_size - old.space_used_size : 0;
};

/**
 * A full collection that moves the live objects off every page, so that the emptied pages are
 * returned (a plain one left 209 of 252 MiB held, 52 used, at 100k waiting processes). V8 picks
 * the pages to empty when a marking starts: the flag is on for this collection only, so the
 * service's own collections keep V8's heuristics. When V8 had a marking under way already,
 * the collection finishes that one with the pages it picked without the flag, so a second one,
 * started afresh, does the compaction. An operator who starts Node with the flag keeps it.
 */
export const compactingCollection = (): (() => void) | null => {
  const collect = fullCollection();
  if (!collect) return null;
  if (process.execArgv.includes(COMPACT_EVERY_FULL_GC)) return collect;
  const compact = () => {
    setFlagsFromString(COMPACT_EVERY_FULL_GC);
    try {
      collect();
    } finally {
      setFlagsFromString('--no-compact-on-every-full-gc');
    }
  };
  return () => {
    compact();
    if (oldSpaceFree() >= LEFT_UNCOMPACTED) compact();
  };
};

/**
 * The heap V8 holds outside its young generation. The young generation is excluded: V8 sizes it
 * for itself (on Node 20 it grows from 1 to 32 MiB under ordinary traffic) and a compaction gives
 * none of it back, so its growth alone must not start a release.
 */
export const oldGenerationHeld = (): number => {
  let held = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name !== 'new_space' && space.space_name !== 'new_large_object_space') {
      held += space.space_size;
    }
  }
  return held;
};

export const startIdleHeapRelease = (options: IdleHeapReleaseOptions): IdleHeapRelease | null => {
  // Off first: fetching V8's collection sets a V8 flag, which an instance with it off must not.
  if (options.idleMs <= 0) return null;
  const collect = options.collect ?? compactingCollection();
  if (!collect) return null;
  const growth = options.growthBytes ?? 32 * MiB;
  const every = options.checkEveryMs ?? 500;
  const quiet = options.quietUtilization ?? 0.05;
  const minGap = options.minGapMs ?? Math.max(60_000, 30 * options.idleMs);
  const heapHeld = options.heapHeld ?? oldGenerationHeld;
  const utilization =
    options.utilization ??
    ((since?: EventLoopUtilization) => performance.eventLoopUtilization(since));

  let baseline = heapHeld();
  let last = utilization();
  let quietSince: number | null = null;
  let lastRelease: number | null = null;

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
    if (lastRelease !== null && now - lastRelease < minGap) return;
    // Held, not used: V8's own collections bring the used heap down after a burst and leave the
    // pages committed; watching the used heap, the release did not run in some bench:scale runs.
    const before = heapHeld();
    if (before - baseline < growth) return;
    const started = performance.now();
    collect();
    lastRelease = performance.now();
    const pauseMs = lastRelease - started;
    baseline = heapHeld();
    // The collection itself was busy time: the next sample would count it, which is what we
    // want; a new burst has to grow the heap again before the next release.
    quietSince = null;
    options.onRelease?.(before, baseline, pauseMs);
  };

  const timer = setInterval(check, every);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
};
