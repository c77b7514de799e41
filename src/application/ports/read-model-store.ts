/**
 * What every read model's storage offers the projection that fills it: a checkpoint, an atomic
 * write of rows with that checkpoint, and a shadow copy for rebuilding while the live one serves.
 */
export interface ReadModelStore<Row> {
  /** Position of the last event applied (0: nothing yet). */
  position(): Promise<number>;
  /** Writes rows (each replacing an older revision of itself) and the checkpoint, atomically. */
  write(rows: readonly Row[], to: number | null): Promise<void>;
  reset(): Promise<void>;
  /** A new, empty store of the same read model beside this one. */
  shadow(): Promise<this>;
  /** Takes over the shadow's rows and checkpoint atomically; the shadow is gone afterwards. */
  promote(shadow: this): Promise<void>;
  discard(shadow: this): Promise<void>;
}
