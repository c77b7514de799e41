/**
 * What every PostgreSQL read model store shares: its checkpoint, its two prepared write
 * statements (rows with the checkpoint, or rows alone during a rebuild), and the shadow
 * life cycle of an online rebuild. A store adds its row mapping and its reads.
 */
import { Pool, QueryResultRow } from 'pg';
import { Fence, currentFence } from '../../application/ownership/write-fence';
import { PgCheckpointStore } from './pg-checkpoint-store';
import { toStoreError } from './pg-errors';
import {
  PgTableSet,
  createShadow,
  dropShadow,
  promoteShadow,
  resetTables,
} from './pg-read-model-tables';

/** Builds a store's write statement, with the checkpoint upsert as its last part or without. */
export type WriteSql = (tables: PgTableSet, withCheckpoint: boolean) => string;

/**
 * The pool, with outages turned into StoreUnavailableError on every query: the projection
 * runner retries those and takes any other failure for a batch it cannot apply (and parks the
 * process it comes from), so an outage must never look like bad data.
 */
const reportingOutages = (pool: Pool): Pool =>
  new Proxy(pool, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (property !== 'query' || typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        (value as (...a: unknown[]) => Promise<unknown>)
          .apply(target, args)
          .catch((error: unknown) => {
            throw toStoreError(error, 'using a read model');
          });
    },
  });

export abstract class PgReadModelStore {
  private readonly checkpoints: PgCheckpointStore;
  private readonly writeStatements: { apply: string; rows: string };
  protected readonly pool: Pool;

  protected constructor(
    pool: Pool,
    readonly tables: PgTableSet,
    writeSql: WriteSql,
  ) {
    this.pool = reportingOutages(pool);
    this.checkpoints = new PgCheckpointStore(this.pool);
    this.writeStatements = { apply: writeSql(tables, true), rows: writeSql(tables, false) };
  }

  /** The same store on other tables (its shadow). */
  protected abstract onTables(tables: PgTableSet): this;

  position(): Promise<number> {
    return this.checkpoints.load(this.tables.checkpoint);
  }

  /**
   * Writes the rows (JSON for `$1`) and, with a position, the checkpoint in one statement;
   * refused as a whole (FencedOutError) when the writer's fence is no longer current.
   */
  protected async writeRows<R extends QueryResultRow>(json: string, to: number | null) {
    const table = this.tables.tables.rows;
    const fence = currentFence();
    try {
      return await this.send<R>(table, json, to, fence);
    } catch (error) {
      throw toStoreError(error, `writing ${table}`, true);
    }
  }

  private send<R extends QueryResultRow>(
    table: string,
    json: string,
    to: number | null,
    fence: Fence | undefined,
  ) {
    return this.pool.query<R>(
      to === null
        ? { name: `baton_rows_${table}`, text: this.writeStatements.rows, values: [json] }
        : {
            name: `baton_apply_${table}`,
            text: this.writeStatements.apply,
            values: [json, this.tables.checkpoint, to, fence?.name ?? null, fence?.epoch ?? null],
          },
    );
  }

  reset(): Promise<void> {
    return resetTables(this.pool, this.tables);
  }

  async shadow(): Promise<this> {
    return this.onTables(await createShadow(this.pool, this.tables));
  }

  async promote(shadow: this): Promise<void> {
    try {
      await promoteShadow(this.pool, this.tables, shadow.tables);
    } catch (error) {
      throw toStoreError(error, `swapping in the rebuilt ${this.tables.tables.rows}`, true);
    }
  }

  discard(shadow: this): Promise<void> {
    return dropShadow(this.pool, shadow.tables);
  }
}
