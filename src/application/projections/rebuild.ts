/**
 * Replays the whole event store into an emptied read model. Reading, folding and writing
 * overlap: the next page is read while the current one is folded, and a few batches are written
 * at once. That is only safe because a rebuild writes no checkpoint (reset removed it) until
 * every row is written: a rebuild that stops half way is simply replayed from the start.
 */
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { EventStore, RecordedEvent } from '../ports/event-store';
import { ProcessSummaryStore } from '../ports/process-summaries';
import { ProcessSummaryFolds } from './process-summary-folds';

export interface RebuildProgress {
  events: number;
  /** Position reached and the head position when the rebuild began: a rough share of the work. */
  position: number;
  head: number;
}

export interface RebuildResult {
  events: number;
  seconds: number;
}

/** Batches being written at once. */
const WRITES_IN_FLIGHT = 3;
/** Folds a rebuild keeps in memory: processes whose events span pages are rarely read back. */
const REBUILD_REMEMBERED_FOLDS = 20_000;

export const rebuildProcessSummaries = async (
  store: EventStore,
  summaries: ProcessSummaryStore,
  registry: WorkflowRegistry,
  options: { batchSize?: number; onProgress?: (progress: RebuildProgress) => void } = {},
): Promise<RebuildResult> => {
  const started = Date.now();
  const batchSize = options.batchSize ?? 5000;
  const head = await store.headPosition();
  await summaries.reset();
  const folds = new ProcessSummaryFolds(summaries, registry, REBUILD_REMEMBERED_FOLDS);
  const writing = new Set<Promise<void>>();
  const settleWrites = async () => {
    await Promise.all(writing);
  };
  let events = 0;
  let last = 0;
  let page: RecordedEvent[] = await store.readAll({ after: 0, limit: batchSize });
  while (page.length > 0) {
    last = page[page.length - 1].position;
    const next = store.readAll({ after: last, limit: batchSize });
    next.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
    // A fold not in memory is read from the table, which must then hold every earlier batch.
    const changes = await folds.fold(page, settleWrites);
    folds.remember(changes);
    const write = summaries.applyBatch(changes, null);
    writing.add(write);
    void write.then(
      () => writing.delete(write),
      () => undefined, // surfaces through settleWrites
    );
    if (writing.size >= WRITES_IN_FLIGHT) await Promise.race(writing);
    events += page.length;
    options.onProgress?.({ events, position: last, head });
    page = await next;
  }
  await settleWrites();
  await summaries.applyBatch([], last); // only now is the rebuilt table complete
  return { events, seconds: (Date.now() - started) / 1000 };
};
