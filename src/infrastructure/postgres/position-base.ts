/**
 * Positions survive a logical restore. A position is base + transaction id × 1000 + index
 * (pg-event-sql.ts), and a logical restore (pg_dump/pg_restore, a move by logical replication)
 * copies the rows but not the transaction-id counter, which starts again near zero. New events
 * would then get positions below every stored checkpoint: the runner, the projections and the
 * feed would never see them, and the head would go backwards. So at start-up, if the highest
 * stored position is at or above what a transaction could get now, `base` is raised above it.
 *
 * A physical backup or replica (pg_basebackup, streaming replication) keeps the counter and
 * needs nothing of this.
 */
import { Pool } from 'pg';
import { inTransaction, withClient } from './pg-client';
import { POSITIONS_PER_TRANSACTION } from './pg-event-sql';

export interface PositionBaseRaise {
  /** Highest position stored. */
  highest: number;
  /** Lowest position a transaction could have been given before the raise. */
  lowestNext: number;
  from: number;
  to: number;
}

/**
 * The lowest position any transaction still able to write could be given: the oldest one in
 * flight (xmin), not only this one, may not have read the base yet.
 */
const CHECK_SQL = `
SELECT (SELECT max(position) FROM events) AS highest, b.base,
       b.base + pg_snapshot_xmin(pg_current_snapshot())::text::bigint * ${POSITIONS_PER_TRANSACTION}
         AS lowest_next
FROM events_position_base b`;

interface CheckRow {
  highest: string | null;
  base: string;
  lowest_next: string;
}

/** Raises the base when stored positions are ahead of the counter; null when they are not. */
export async function raisePositionBaseIfBehind(pool: Pool): Promise<PositionBaseRaise | null> {
  // The common case costs one read and takes no lock.
  const first = (await pool.query<CheckRow>(CHECK_SQL)).rows[0];
  if (!isBehind(first)) return null;
  return withClient(pool, (client) =>
    inTransaction(client, async () => {
      // Waits for appends in flight (they read the base) and holds new ones until the commit,
      // so no append can write with the old base after this.
      await client.query('LOCK TABLE events_position_base IN ACCESS EXCLUSIVE MODE');
      const row = (await client.query<CheckRow>(CHECK_SQL)).rows[0];
      if (!isBehind(row)) return null; // another instance raised it meanwhile
      const highest = Number(row.highest);
      const from = Number(row.base);
      const lowestNext = Number(row.lowest_next);
      // One transaction's worth of room above the highest position, for the oldest writer.
      const to = from + (highest - lowestNext) + POSITIONS_PER_TRANSACTION;
      await client.query('UPDATE events_position_base SET base = $1', [to]);
      return { highest, lowestNext, from, to };
    }),
  );
}

const isBehind = (row: CheckRow | undefined): boolean =>
  row !== undefined && row.highest !== null && Number(row.highest) >= Number(row.lowest_next);
