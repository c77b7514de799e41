import { StagedWrite, WriteUnit } from '../../application/ports/read-model-store';

interface InMemoryStagedWrite extends StagedWrite {
  apply(): Promise<void>;
}

/** In memory every write is already all or nothing: a unit just applies its parts in turn. */
const IN_MEMORY_UNIT: WriteUnit = {
  async commit(parts) {
    for (const part of parts) await (part as InMemoryStagedWrite).apply();
  },
};

/**
 * The shared part of the in-memory read models: rows by key, each replaced only by a higher
 * revision, a checkpoint, and shadows that are plain new instances.
 */
export abstract class InMemoryReadModel<Row extends { revision: number }> {
  protected rows = new Map<string, Row>();
  protected checkpoint = 0;

  protected abstract keyOf(row: Row): string;
  protected abstract fresh(): this;
  /** Told of each replaced row, so derived figures (counts) follow. */
  protected replaced(_before: Row | undefined, _after: Row): void {}

  async position(): Promise<number> {
    return this.checkpoint;
  }

  async write(rows: readonly Row[], to: number | null): Promise<void> {
    for (const row of rows) {
      const key = this.keyOf(row);
      const existing = this.rows.get(key);
      if (existing && existing.revision >= row.revision) continue;
      const stored = this.merged(existing, structuredClone(row));
      this.replaced(existing, stored);
      this.rows.set(key, stored);
    }
    if (to !== null) this.checkpoint = to;
  }

  stage(rows: readonly Row[], to: number | null): StagedWrite {
    const staged: InMemoryStagedWrite = { unit: IN_MEMORY_UNIT, apply: () => this.write(rows, to) };
    return staged;
  }

  /** The row to store; by default the new one as it is. */
  protected merged(_existing: Row | undefined, row: Row): Row {
    return row;
  }

  async reset(): Promise<void> {
    const empty = this.fresh();
    this.adopt(empty);
  }

  async shadow(): Promise<this> {
    return this.fresh();
  }

  async promote(shadow: this): Promise<void> {
    this.adopt(shadow);
  }

  async discard(_shadow: this): Promise<void> {}

  protected adopt(other: this): void {
    this.rows = other.rows;
    this.checkpoint = other.checkpoint;
  }

  protected all(): Row[] {
    return [...this.rows.values()].map((row) => structuredClone(row));
  }
}
