/**
 * What every read model's storage offers the projection that fills it: a checkpoint, an atomic
 * write of rows with that checkpoint, and a shadow copy for rebuilding while the live one serves.
 */
/**
 * One read model's share of a batch, derived but not written yet. Staged writes of the same
 * `unit` (the stores of one database) are written together, rows and checkpoints of every part
 * at once or none of them: one statement for all the read models of a lane.
 */
export interface StagedWrite {
  readonly unit: WriteUnit;
}

export interface WriteUnit {
  /** Writes every part (all staged by stores of this unit) atomically. */
  commit(parts: readonly StagedWrite[]): Promise<void>;
}

export interface ShadowOptions {
  /**
   * Leave the secondary indexes out until the shadow is promoted, which builds them: somewhat
   * cheaper to fill (docs/benchmarks.md), but slow to read, so only for a shadow nobody reads before the swap (the
   * offline rebuild's). The keys its writes rely on are kept.
   */
  deferIndexes?: boolean;
}

export interface ReadModelStore<Row> {
  /** Position of the last event applied (0: nothing yet). */
  position(): Promise<number>;
  /** Writes rows (each replacing an older revision of itself) and the checkpoint, atomically. */
  write(rows: readonly Row[], to: number | null): Promise<void>;
  /** The same write, staged to be committed together with other read models' (`WriteUnit`). */
  stage(rows: readonly Row[], to: number | null): StagedWrite;
  reset(): Promise<void>;
  /** A new, empty store of the same read model beside this one. */
  shadow(options?: ShadowOptions): Promise<this>;
  /** Takes over the shadow's rows and checkpoint atomically; the shadow is gone afterwards. */
  promote(shadow: this): Promise<void>;
  discard(shadow: this): Promise<void>;
}
