/**
 * A read model built from the event store, one batch at a time. Every projection follows the
 * same rules, which the runner and the rebuilds rely on:
 * - a batch's rows and the checkpoint move together (one transaction), so a crash never leaves
 *   half a batch applied;
 * - rows only move forward by stream revision, so a redelivered batch changes nothing;
 * - a row is derived from the event (and at most the row it updates), never by re-reading a
 *   stream.
 */
import { RecordedEvent } from '../ports/event-store';
import { ShadowOptions, StagedWrite } from '../ports/read-model-store';

/** A batch derived by a projection: its staged write, and what to do once that is committed. */
export interface PreparedBatch {
  readonly write: StagedWrite;
  /** Called once the write is committed (remember what it wrote); never after a failure. */
  written(): void;
}

export interface Projection {
  /** Stable name, used in URLs, the CLI and the checkpoint (`projection:<name>`). */
  readonly name: string;
  /**
   * Bumped when what the rows hold changes. A new version has its own checkpoint, so it starts
   * from nothing and replays the store (see `checkpointName`).
   */
  readonly version: number;
  /**
   * Projections of one lane share a subscription (one read of each batch) and move together,
   * at the pace of the slowest; those that can `prepare` are written in one statement per
   * batch. Default: `read-models` (all of Baton's read models: one read, one write per batch).
   */
  readonly lane?: string;
  /** Position of the last event applied (0: nothing yet). */
  position(): Promise<number>;
  /**
   * Applies events (all after `position()`, in global order) and sets the checkpoint to `to`,
   * atomically. `to = null` writes rows only: a rebuild sets the checkpoint once at the end.
   */
  apply(events: readonly RecordedEvent[], to: number | null): Promise<void>;
  /**
   * `apply` in two halves: derive the batch's rows (reading what it continues) without writing
   * them, so the runner can write several projections' batches in one statement. Optional: a
   * projection without it is applied on its own. `beforeStoreRead` runs before it reads stored
   * rows, if it must: a rebuild prepares a page while the previous one is still being written,
   * and waits there for that write.
   */
  prepare?(
    events: readonly RecordedEvent[],
    to: number | null,
    beforeStoreRead?: () => Promise<void>,
  ): Promise<PreparedBatch>;
  /** Forgets every row and the checkpoint. */
  reset(): Promise<void>;
  /** The same projection writing into a new, empty copy of its tables (a rebuild). */
  shadow(options?: ShadowOptions): Promise<Projection>;
  /** Replaces the live rows and checkpoint by the shadow's, atomically; the shadow is gone. */
  promote(shadow: Projection): Promise<void>;
  /** Drops a shadow that will not be promoted (a failed rebuild). */
  discard(shadow: Projection): Promise<void>;
}

export const checkpointName = (name: string, version: number): string =>
  version > 1 ? `projection:${name}:v${version}` : `projection:${name}`;

export const PROJECTIONS = Symbol('Projections');
