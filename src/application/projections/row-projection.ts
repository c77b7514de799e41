/**
 * A projection whose rows are derived from the events of a batch and, at most, the stored rows
 * those events continue: load what the batch touches, derive, write rows and checkpoint at once.
 */
import { RecordedEvent } from '../ports/event-store';
import { ReadModelStore } from '../ports/read-model-store';
import { PreparedBatch, Projection } from './projection';

export abstract class RowProjection<Row, Store extends ReadModelStore<Row>> implements Projection {
  abstract readonly name: string;
  abstract readonly version: number;

  constructor(readonly store: Store) {}

  /** The rows the batch changes (the store keeps the rest); `beforeStoreRead` before reading it. */
  protected abstract derive(
    events: readonly RecordedEvent[],
    beforeStoreRead?: () => Promise<void>,
  ): Promise<Row[]>;
  /** The same projection over another store (its shadow). */
  protected abstract over(store: Store): RowProjection<Row, Store>;

  position(): Promise<number> {
    return this.store.position();
  }

  async apply(events: readonly RecordedEvent[], to: number | null): Promise<void> {
    const rows = events.length > 0 ? await this.derive(events) : [];
    await this.store.write(rows, to);
  }

  async prepare(
    events: readonly RecordedEvent[],
    to: number | null,
    beforeStoreRead?: () => Promise<void>,
  ): Promise<PreparedBatch> {
    const rows = events.length > 0 ? await this.derive(events, beforeStoreRead) : [];
    return { write: this.store.stage(rows, to), written: () => undefined };
  }

  reset(): Promise<void> {
    return this.store.reset();
  }

  async shadow(): Promise<Projection> {
    return this.over(await this.store.shadow());
  }

  promote(shadow: Projection): Promise<void> {
    return this.store.promote(this.storeOf(shadow));
  }

  discard(shadow: Projection): Promise<void> {
    return this.store.discard(this.storeOf(shadow));
  }

  private storeOf(shadow: Projection): Store {
    if (!(shadow instanceof RowProjection) || shadow.name !== this.name)
      throw new Error(`${shadow.name} is not a shadow of ${this.name}`);
    return shadow.store as Store;
  }
}
