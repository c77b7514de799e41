/**
 * What every PostgreSQL read model store shares: its checkpoint, its staged write (the rows as
 * one JSON parameter, upserted by CTEs that `PgReadModelUnit` joins with other read models' into
 * one statement, checkpoints included), and the shadow life cycle of an online rebuild. A store
 * adds its row mapping, its CTEs and its reads.
 */
import { Pool } from 'pg';
import { ShadowOptions, StagedWrite } from '../../application/ports/read-model-store';
import { PgCheckpointStore } from './pg-checkpoint-store';
import { toStoreError } from './pg-errors';
import {
  PgTableSet,
  createShadow,
  dropShadow,
  promoteShadow,
  resetTables,
} from './pg-read-model-tables';
import { PartSql, PgReadModelUnit, PgStagedWrite, unitOf } from './pg-read-model-unit';
import { RowColumn, RowEncoding, rowSource, rowValues } from './pg-row-source';

/**
 * The pool, with outages turned into StoreUnavailableError on every query: the projection
 * runner retries those and takes any other failure for a batch it cannot apply (and parks the
 * process it comes from), so an outage must never look like bad data.
 */
const proxies = new WeakMap<Pool, Pool>();
const proxied = new WeakSet<Pool>();

/** One proxy per pool, so every store of a database shares one `PgReadModelUnit`. */
const reportingOutages = (pool: Pool): Pool => {
  if (proxied.has(pool)) return pool; // a shadow gets its live store's pool, reporting already
  const known = proxies.get(pool);
  if (known) return known;
  const proxy = new Proxy(pool, {
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
  proxies.set(pool, proxy);
  proxied.add(proxy);
  return proxy;
};

export abstract class PgReadModelStore<Row> {
  private readonly checkpoints: PgCheckpointStore;
  private readonly unit: PgReadModelUnit;
  protected readonly pool: Pool;

  protected constructor(
    pool: Pool,
    readonly tables: PgTableSet,
  ) {
    this.pool = reportingOutages(pool);
    this.checkpoints = new PgCheckpointStore(this.pool);
    this.unit = unitOf(this.pool);
  }

  /** The same store on other tables (its shadow). */
  protected abstract onTables(tables: PgTableSet): this;
  /** The columns of the rows its CTEs read (names and SQL types). */
  protected abstract readonly columns: readonly RowColumn[];
  /** The rows as records keyed by column name. */
  protected abstract toRecords(rows: readonly Row[]): Record<string, unknown>[];
  /**
   * Its upsert as CTEs named `${prefix}…`, reading the rows from `source` (`… AS r(columns)`);
   * each row only replaces an older revision of itself, so a redelivered batch changes nothing.
   */
  protected abstract partSql(source: string, prefix: string): PartSql;

  position(): Promise<number> {
    return this.checkpoints.load(this.tables.checkpoint);
  }

  /** Rows and (with a position) checkpoint in one statement, refused as a whole when fenced out. */
  async write(rows: readonly Row[], to: number | null): Promise<void> {
    if (rows.length === 0 && to === null) return;
    await this.unit.commit([this.stage(rows, to)]);
  }

  /**
   * Rows with a checkpoint (live batches) go as one JSON document; rows without one are a
   * rebuild's, sent as typed arrays, which PostgreSQL reads for a fraction of the CPU
   * (pg-row-source.ts). The upsert is the same SQL either way, so the rows are too.
   */
  stage(rows: readonly Row[], to: number | null): StagedWrite {
    const encoding: RowEncoding = to === null ? 'arrays' : 'json';
    const columns = this.columns;
    const staged: PgStagedWrite = {
      unit: this.unit,
      part: {
        key: `${Object.values(this.tables.tables).join('/')}:${encoding}`,
        sql: (params, prefix) => this.partSql(rowSource(columns, encoding, params), prefix),
        values: rowValues(columns, encoding, this.toRecords(rows)),
        checkpoint: this.tables.checkpoint,
        to,
      },
    };
    return staged;
  }

  reset(): Promise<void> {
    return resetTables(this.pool, this.tables);
  }

  async shadow(options: ShadowOptions = {}): Promise<this> {
    return this.onTables(await createShadow(this.pool, this.tables, options.deferIndexes));
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
