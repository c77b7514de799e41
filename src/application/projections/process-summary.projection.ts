/**
 * The process list read model: each row keeps the process's fold, and an event is applied to
 * that fold with `evolve` (the one interpreter of events), never by re-reading the stream. The
 * same write keeps the status counts per workflow (old status out, new status in) and the
 * checkpoint, so rows, counts and checkpoint never disagree.
 */
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { RecordedEvent } from '../ports/event-store';
import { ProcessSummaryStore } from '../ports/process-summaries';
import { ShadowOptions } from '../ports/read-model-store';
import { ProcessSummaryFolds } from './process-summary-folds';
import { PreparedBatch, Projection } from './projection';

export class ProcessSummaryProjection implements Projection {
  readonly name = 'process-summaries';
  /** 2: description, last callback activity and counts (rows of version 1 lack them). */
  readonly version = 2;
  private readonly folds: ProcessSummaryFolds;

  constructor(
    readonly store: ProcessSummaryStore,
    private readonly registry: WorkflowRegistry,
    rememberedFolds?: number,
  ) {
    this.folds = new ProcessSummaryFolds(store, registry, rememberedFolds);
  }

  position(): Promise<number> {
    return this.store.position();
  }

  apply(events: readonly RecordedEvent[], to: number | null): Promise<void> {
    return this.folds.apply(events, to);
  }

  async prepare(
    events: readonly RecordedEvent[],
    to: number | null,
    beforeStoreRead?: () => Promise<void>,
  ): Promise<PreparedBatch> {
    const changes = events.length > 0 ? await this.folds.fold(events, beforeStoreRead) : [];
    return {
      write: this.store.stage(changes, to),
      // Only once written: a batch that failed is redelivered and must not find itself remembered.
      written: () => this.folds.remember(changes),
    };
  }

  reset(): Promise<void> {
    this.folds.forget();
    return this.store.reset();
  }

  async shadow(options?: ShadowOptions): Promise<Projection> {
    // A rebuild meets far more processes than the live list keeps in memory.
    return new ProcessSummaryProjection(await this.store.shadow(options), this.registry, 20_000);
  }

  async promote(shadow: Projection): Promise<void> {
    await this.store.promote(this.storeOf(shadow));
    this.folds.forget(); // the shadow's folds are now the table's: drop what was remembered
  }

  discard(shadow: Projection): Promise<void> {
    return this.store.discard(this.storeOf(shadow));
  }

  private storeOf(shadow: Projection): ProcessSummaryStore {
    if (!(shadow instanceof ProcessSummaryProjection))
      throw new Error(`${shadow.name} is not a shadow of ${this.name}`);
    return shadow.store;
  }
}
