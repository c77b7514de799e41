/**
 * A projection whose rows are derived from the events of a batch and, at most, the stored rows
 * those events continue: load what the batch touches, derive, write rows and checkpoint at once.
 */
import { RecordedEvent } from '../ports/event-store';
import { ReadModelStore, ShadowOptions } from '../ports/read-model-store';
import { PreparedBatch, Projection } from './projection';

/** The rows a batch changes, and what to remember once they are written. */
export interface Derived<Row> {
  rows: Row[];
  /** Called only after the rows are written (a failed batch is redelivered, not remembered). */
  written?: () => void;
}

export abstract class RowProjection<Row, Store extends ReadModelStore<Row>> implements Projection {
  abstract readonly name: string;
  abstract readonly version: number;

  constructor(readonly store: Store) {}

  /** The rows the batch changes (the store keeps the rest); `beforeStoreRead` before reading it. */
  protected abstract derive(
    events: readonly RecordedEvent[],
    beforeStoreRead?: () => Promise<void>,
  ): Promise<Derived<Row>>;
  /** Drops what the projection remembers of written rows (the table changed under it). */
  protected forget(): void {}
  /** The same projection over another store (its shadow). */
  protected abstract over(store: Store): RowProjection<Row, Store>;

  position(): Promise<number> {
    return this.store.position();
  }

  async apply(events: readonly RecordedEvent[], to: number | null): Promise<void> {
    const derived = events.length > 0 ? await this.derive(events) : { rows: [] };
    await this.store.write(derived.rows, to);
    derived.written?.();
  }

  async prepare(
    events: readonly RecordedEvent[],
    to: number | null,
    beforeStoreRead?: () => Promise<void>,
  ): Promise<PreparedBatch> {
    const derived: Derived<Row> =
      events.length > 0 ? await this.derive(events, beforeStoreRead) : { rows: [] };
    return { write: this.store.stage(derived.rows, to), written: () => derived.written?.() };
  }

  reset(): Promise<void> {
    this.forget();
    return this.store.reset();
  }

  async shadow(options?: ShadowOptions): Promise<Projection> {
    return this.over(await this.store.shadow(options));
  }

  async promote(shadow: Projection): Promise<void> {
    await this.store.promote(this.storeOf(shadow));
    this.forget();
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
