/**
 * Replays the whole event store into an emptied read model. Reads the next page while the
 * current one is being written, so reading and writing overlap.
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
  const folds = new ProcessSummaryFolds(summaries, registry);
  let events = 0;
  let page: RecordedEvent[] = await store.readAll({ after: 0, limit: batchSize });
  while (page.length > 0) {
    const last = page[page.length - 1].position;
    const next = store.readAll({ after: last, limit: batchSize });
    next.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
    await folds.apply(page);
    events += page.length;
    options.onProgress?.({ events, position: last, head });
    page = await next;
  }
  return { events, seconds: (Date.now() - started) / 1000 };
};
