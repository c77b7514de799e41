/**
 * Replays the event store into read models. One pass reads each page once and applies it to
 * every projection being rebuilt (one statement per page for each), while the next page is
 * already being read. Rows are written
 * without a checkpoint until the end: a rebuild that stops half way leaves no checkpoint, so it
 * is simply replayed from the start (the runner resets a projection without one).
 */
import { EventStore, RecordedEvent } from '../ports/event-store';
import { applyTogether, writeTogether } from './apply-together';
import { Projection } from './projection';

export interface RebuildProgress {
  events: number;
  /** Position reached and the head position when the rebuild began: a rough share of the work. */
  position: number;
  head: number;
}

export interface RebuildResult {
  events: number;
  seconds: number;
  /** Checkpoint the projections were left at. */
  position: number;
  /** Of `seconds`, what building the shadows' indexes and swapping them in took (`rebuild`). */
  promoteSeconds?: number;
}

export interface ReplayOptions {
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** Stop at this position (default: the head when the replay starts). */
  until?: number;
}

const DEFAULT_BATCH = 5000;

/**
 * Applies every event after `from` up to the head (as it was when called) to the projections,
 * rows only, then sets their checkpoints. The projections must be at `from`.
 */
export const replay = async (
  store: EventStore,
  projections: readonly Projection[],
  from: number,
  options: ReplayOptions = {},
): Promise<RebuildResult> => {
  const started = Date.now();
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const head = options.until ?? (await store.headPosition());
  let events = 0;
  let last = from;
  const read = (after: number) =>
    after >= head
      ? Promise.resolve([] as RecordedEvent[])
      : store
          .readAll({ after, limit: batchSize, metadata: 'core' })
          .then((page) => page.filter((e) => e.position <= head));
  let page = await read(from);
  // Page N is written while page N+1 is derived (and N+2 read). A rebuild stops at its first
  // failed write (its shadows are then discarded), so what a page derived is remembered at
  // once, not once written: the next page continues from it without waiting for that write
  // (waiting there held every page's derive behind the previous page's write). Each projection
  // writes its pages in order on its own (its rows need no checkpoint until the end), so the
  // three read models' writes use PostgreSQL's cores side by side; one that must read stored
  // rows waits for its own writes first.
  const pipelined = projections.every((p) => p.prepare !== undefined);
  const writing: Promise<void>[] = projections.map(() => Promise.resolve());
  while (page.length > 0) {
    last = page[page.length - 1].position;
    const next = read(last);
    next.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
    if (pipelined) {
      const previous = [...writing];
      const prepared = await Promise.all(
        projections.map((p, i) => p.prepare!(page, null, () => previous[i])),
      );
      for (const batch of prepared) batch.written();
      await Promise.all(previous);
      prepared.forEach((batch, i) => {
        writing[i] = writeTogether([batch]);
        writing[i].catch(() => undefined); // awaited with the next page or at the end
      });
    } else await applyTogether(projections, page, null);
    events += page.length;
    options.onProgress?.({ events, position: last, head });
    page = await next;
  }
  await Promise.all(writing);
  // Only now are the rebuilt rows complete; an empty apply sets just the checkpoint.
  if (last > from) await applyTogether(projections, [], last);
  return { events, seconds: (Date.now() - started) / 1000, position: last };
};

/**
 * Rebuilds the projections from the whole store (service stopped): replays it into shadow
 * tables without secondary indexes, then promotes each shadow, which builds its indexes and
 * swaps it in under the live names atomically. The live read models stay as they were until
 * then: a rebuild that fails or is interrupted leaves them intact (its shadows are dropped here,
 * or by the next rebuild that creates them).
 */
export interface RebuildOptions extends ReplayOptions {
  /** Told once the events are replayed, before the indexes are built and the shadows swapped in. */
  onPromoting?: () => void;
}

export const rebuild = async (
  store: EventStore,
  projections: readonly Projection[],
  options: RebuildOptions = {},
): Promise<RebuildResult> => {
  const started = Date.now();
  const shadows: Projection[] = [];
  try {
    for (const projection of projections)
      shadows.push(await projection.shadow({ deferIndexes: true }));
    const result = await replay(store, shadows, 0, options);
    options.onPromoting?.();
    const promoting = Date.now();
    for (const [i, projection] of projections.entries()) await projection.promote(shadows[i]);
    // The index builds and swaps are part of the rebuild's time.
    const now = Date.now();
    return {
      ...result,
      seconds: (now - started) / 1000,
      promoteSeconds: (now - promoting) / 1000,
    };
  } catch (error) {
    await Promise.all(shadows.map((s, i) => projections[i].discard(s).catch(() => undefined)));
    throw error;
  }
};
