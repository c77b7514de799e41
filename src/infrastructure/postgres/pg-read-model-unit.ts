/**
 * Writes the staged batches of several read models as ONE statement: each store contributes
 * its upsert as common table expressions over its own parameters (its rows as one JSON document,
 * or a rebuild's as one typed array per column: pg-row-source.ts), and a last one moves
 * every checkpoint. A statement is atomic, so rows and checkpoints of all the read models land
 * together or not at all (a crash never leaves one read model's batch half applied), and the
 * writer's fence is checked by that same statement: an owner that lost the role writes nothing.
 */
import { createHash } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { currentFence } from '../../application/ownership/write-fence';
import { StagedWrite, WriteUnit } from '../../application/ports/read-model-store';
import { inTransaction, withClient } from './pg-client';
import { toStoreError } from './pg-errors';

/** What a store adds to the statement. */
export interface PartSql {
  /** `name AS (…)` items, comma-separated, with names starting with the given prefix. */
  ctes: string;
}

export interface PgWritePart {
  /** Stable key of the part's SQL (its tables), so a statement can be prepared once. */
  readonly key: string;
  /** Its SQL, given the parameters holding its rows (e.g. `$5`, one per value) and a prefix. */
  sql(params: readonly string[], prefix: string): PartSql;
  /** Its rows: one JSON array (live batches) or one typed array per column (a rebuild's). */
  readonly values: readonly unknown[];
  /** How many rows `values` holds (none and no checkpoint: the statement is left out). */
  readonly rows: number;
  /** A rebuild's new rows, loaded before the statement runs (rows-only parts only). */
  readonly bulk?: PgBulkLoad;
  readonly checkpoint: string;
  /** Checkpoint position, or null for rows only (a rebuild sets it once at the end). */
  readonly to: number | null;
}

/**
 * New rows of a rebuild (none of their keys is in the table yet) as COPY text, and what else the
 * store keeps of them (a statement run right after the COPY).
 */
export interface PgBulkLoad {
  /** `COPY <table> (<columns>) FROM STDIN`. */
  readonly copy: string;
  readonly text: string;
  readonly then?: { text: string; values: unknown[] };
}

export interface PgStagedWrite extends StagedWrite {
  readonly part: PgWritePart;
}

/**
 * `$1`/`$2`: checkpoint names and positions (parts with a position only; empty arrays move
 * none), `$3`/`$4`: the writer's fence, asserted once (an uncorrelated subquery) when a
 * checkpoint moves. Rows without a checkpoint are the rebuild's, into shadow tables.
 */
const CHECKPOINTS_SQL = `checkpointed AS (
  INSERT INTO checkpoints (name, position)
  SELECT c.name, c.position FROM unnest($1::text[], $2::bigint[]) AS c(name, position)
  WHERE (SELECT $3::text IS NULL OR baton_assert_fence($3::text, $4::bigint))
  ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position
  RETURNING 1
)`;

/**
 * The batch commits without waiting for its WAL to reach the disk (synchronous_commit off, for
 * this statement's transaction only). Read models are derived data: the events they come from
 * were committed durably, and a crash can only lose the newest read-model transactions whole
 * (rows and checkpoint together, in commit order), so they resume from the checkpoint that
 * survived and replay what was lost. Waiting for the flush made each batch cost a disk sync
 * (20-150 ms on a busy machine), which was most of the read models' lag behind a burst.
 */
const NO_FLUSH_WAIT_SQL = `no_flush_wait AS (
  SELECT set_config('synchronous_commit', 'off', true) AS setting
)`;

const FIRST_ROWS_PARAM = 5;

const NO_FLUSH_WAIT = 'SET LOCAL synchronous_commit = off';

export class PgReadModelUnit implements WriteUnit {
  private readonly statements = new Map<string, { name: string; text: string }>();

  constructor(private readonly pool: Pool) {}

  async commit(staged: readonly StagedWrite[]): Promise<void> {
    const parts = staged.map((s) => {
      const part = (s as PgStagedWrite).part;
      if (s.unit !== this || !part) throw new Error('a staged write of another database');
      return part;
    });
    if (parts.length === 0) return;
    if (parts.some((p) => p.bulk !== undefined)) return this.load(parts);
    await this.run(this.pool, parts);
  }

  /**
   * A rebuild's batch with new rows: COPY them, then upsert the rest, in one transaction on one
   * connection, committed without waiting for the flush as the statement alone would be
   * (NO_FLUSH_WAIT_SQL). Only rows-only parts (a rebuild's, into shadow tables) carry new rows.
   */
  private async load(parts: readonly PgWritePart[]): Promise<void> {
    if (parts.some((p) => p.bulk !== undefined && p.to !== null))
      throw new Error('bulk-loaded rows must not move a checkpoint');
    try {
      await withClient(this.pool, (client) =>
        inTransaction(client, async () => {
          await client.query(NO_FLUSH_WAIT);
          for (const { bulk } of parts) {
            if (bulk === undefined) continue;
            await copyInto(client, bulk.copy, bulk.text);
            if (bulk.then) await client.query(bulk.then);
          }
          await this.run(client, parts);
        }),
      );
    } catch (error) {
      throw toStoreError(error, `loading new rows of ${parts.map((p) => p.key).join(', ')}`, true);
    }
  }

  private async run(on: Pool | PoolClient, parts: readonly PgWritePart[]): Promise<void> {
    if (parts.every((p) => p.rows === 0 && p.to === null)) return;
    const statement = this.statementFor(parts);
    const fence = currentFence();
    const moved = parts.filter((p) => p.to !== null);
    const values = [
      moved.map((p) => p.checkpoint),
      moved.map((p) => p.to),
      fence?.name ?? null,
      fence?.epoch ?? null,
      ...parts.flatMap((p) => p.values),
    ];
    try {
      await on.query({ ...statement, values });
    } catch (error) {
      throw toStoreError(error, `writing ${parts.map((p) => p.key).join(', ')}`, true);
    }
  }

  private statementFor(parts: readonly PgWritePart[]): { name: string; text: string } {
    const key = parts.map((p) => p.key).join('+');
    const known = this.statements.get(key);
    if (known) return known;
    let next = FIRST_ROWS_PARAM;
    const sqls = parts.map((p, i) =>
      p.sql(
        p.values.map(() => `$${next++}`),
        `w${i}_`,
      ),
    );
    // A SELECT in WITH runs only if referenced: the last line references it.
    const text = `WITH ${[...sqls.map((s) => s.ctes), CHECKPOINTS_SQL, NO_FLUSH_WAIT_SQL].join(',\n')}
SELECT (SELECT count(*) FROM checkpointed)::int AS checkpoints,
  (SELECT setting FROM no_flush_wait) AS synchronous_commit`;
    const name = `baton_rm_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    const statement = { name, text };
    this.statements.set(key, statement);
    return statement;
  }
}

/** COPY … FROM STDIN of `text`; resolves once PostgreSQL has taken every row. */
const copyInto = (client: PoolClient, sql: string, text: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    stream.on('error', reject);
    stream.on('finish', () => resolve());
    stream.end(text);
  });

const units = new WeakMap<Pool, PgReadModelUnit>();

/** The unit of a database (one per pool): stores on the same pool write together. */
export const unitOf = (pool: Pool): PgReadModelUnit => {
  let unit = units.get(pool);
  if (!unit) {
    unit = new PgReadModelUnit(pool);
    units.set(pool, unit);
  }
  return unit;
};
