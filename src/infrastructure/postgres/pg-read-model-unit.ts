/**
 * Writes the staged batches of several read models as ONE statement: each store contributes
 * its upsert as common table expressions over its own parameters (its rows as one JSON document,
 * or a rebuild's as one typed array per column: pg-row-source.ts), and a last one moves
 * every checkpoint. A statement is atomic, so rows and checkpoints of all the read models land
 * together or not at all (a crash never leaves one read model's batch half applied), and the
 * writer's fence is checked by that same statement: an owner that lost the role writes nothing.
 */
import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import { currentFence } from '../../application/ownership/write-fence';
import { StagedWrite, WriteUnit } from '../../application/ports/read-model-store';
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
  readonly checkpoint: string;
  /** Checkpoint position, or null for rows only (a rebuild sets it once at the end). */
  readonly to: number | null;
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
      await this.pool.query({ ...statement, values });
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
