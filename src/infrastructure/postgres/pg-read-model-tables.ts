/**
 * The tables of one read model, live or shadow. A shadow is a copy of the live tables' shape
 * (`LIKE … INCLUDING ALL`: columns, defaults, generated columns, indexes, storage) with its own
 * checkpoint; promoting it swaps it in under the live names in one transaction, so readers see
 * either the old rows or the new ones. Index names keep the shadow's; PostgreSQL picks fresh
 * ones for the next shadow.
 *
 * A shadow that nobody reads before it is promoted (the offline rebuild's) can leave out the
 * secondary indexes: it gets only the constraints its upserts need (primary key, unique), and
 * the promotion builds the live tables' indexes on it, under their live names: one CREATE INDEX
 * over the finished table instead of keeping six indexes (a GIN one among them) up to date row
 * by row, page after page. The saving is modest (a rebuild writes few rows per event; their JSON
 * is most of PostgreSQL's work: docs/benchmarks.md); what the offline rebuild gains above all is
 * that the live read models stay untouched until the swap.
 */
import { Pool, PoolClient } from 'pg';
import { currentFence } from '../../application/ownership/write-fence';
import { inTransaction, withClient } from './pg-client';

export interface PgTableSet {
  /** Logical name → table name, e.g. { rows: 'callback_audit' }. */
  tables: Record<string, string>;
  checkpoint: string;
  /** A shadow without secondary indexes: promoting it builds them (see above). */
  deferredIndexes?: boolean;
}

const SHADOW = '__shadow';

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

export const shadowOf = (live: PgTableSet): PgTableSet => ({
  tables: Object.fromEntries(
    Object.entries(live.tables).map(([logical, table]) => [logical, `${table}${SHADOW}`]),
  ),
  checkpoint: `${live.checkpoint}${SHADOW}`,
});

/**
 * The live table's constraints that own an index (primary key, unique, exclusion): an upsert's
 * ON CONFLICT needs them while the shadow is filled.
 */
const INDEXED_CONSTRAINTS_SQL = `SELECT c.conname AS name, pg_get_constraintdef(c.oid) AS def
  FROM pg_constraint c WHERE c.conrelid = $1::regclass AND c.contype IN ('p', 'u', 'x')
  ORDER BY c.conname`;

/** The live table's other indexes, as the statements that create them (names included). */
const SECONDARY_INDEXES_SQL = `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
  WHERE i.indrelid = $1::regclass AND NOT EXISTS (
    SELECT 1 FROM pg_constraint c WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)
  ORDER BY i.indexrelid`;

interface Constraint {
  name: string;
  def: string;
}

const constraintsOf = async (client: PoolClient, table: string): Promise<Constraint[]> =>
  (await client.query<Constraint>(INDEXED_CONSTRAINTS_SQL, [quoted(table)])).rows;

/**
 * Empty shadow tables beside the live ones (a shadow left by a crashed rebuild is dropped).
 * `deferIndexes`: without the secondary indexes, which promoting it builds (see above).
 */
export const createShadow = async (
  pool: Pool,
  live: PgTableSet,
  deferIndexes = false,
): Promise<PgTableSet> => {
  const shadow: PgTableSet = { ...shadowOf(live), deferredIndexes: deferIndexes };
  await withClient(pool, (client) =>
    inTransaction(client, async () => {
      for (const [logical, table] of Object.entries(live.tables)) {
        const copy = quoted(shadow.tables[logical]);
        await client.query(`DROP TABLE IF EXISTS ${copy}`);
        if (!deferIndexes) {
          await client.query(`CREATE TABLE ${copy} (LIKE ${quoted(table)} INCLUDING ALL)`);
          continue;
        }
        await client.query(
          `CREATE TABLE ${copy} (LIKE ${quoted(table)} INCLUDING ALL EXCLUDING INDEXES)`,
        );
        for (const constraint of await constraintsOf(client, table))
          await client.query(`ALTER TABLE ${copy} ADD ${constraint.def}`);
      }
      await client.query('DELETE FROM checkpoints WHERE name = $1', [shadow.checkpoint]);
    }),
  );
  return shadow;
};

/** The shadow's table takes the live table's name; the live table is dropped. */
const replaceTable = async (client: PoolClient, table: string, copy: string): Promise<void> => {
  await client.query(`DROP TABLE ${quoted(table)}`);
  await client.query(`ALTER TABLE ${quoted(copy)} RENAME TO ${quoted(table)}`);
};

/**
 * Swaps a shadow without secondary indexes in for a live table (inside the promotion's
 * transaction, the live table locked): its constraints take the live names, and the live
 * table's indexes are built on it with their own definitions and names.
 */
const swapDeferred = async (client: PoolClient, table: string, copy: string): Promise<void> => {
  const liveConstraints = await constraintsOf(client, table);
  const indexes = (await client.query<{ def: string }>(SECONDARY_INDEXES_SQL, [quoted(table)]))
    .rows;
  const copyConstraints = await constraintsOf(client, copy);
  await replaceTable(client, table, copy);
  for (const own of copyConstraints) {
    const live = liveConstraints.find((c) => c.def === own.def);
    if (live && live.name !== own.name)
      await client.query(
        `ALTER TABLE ${quoted(table)} RENAME CONSTRAINT ${quoted(own.name)} TO ${quoted(live.name)}`,
      );
  }
  for (const { def } of indexes) await client.query(def);
};

const ASSERT_FENCE_SQL = 'SELECT baton_assert_fence($1, $2)';

export const promoteShadow = async (
  pool: Pool,
  live: PgTableSet,
  shadow: PgTableSet,
  fence = currentFence(),
): Promise<void> => {
  await withClient(pool, (client) =>
    inTransaction(client, async () => {
      // The swap replaces what the live projection's owner writes: only while it is the owner.
      if (fence) await client.query(ASSERT_FENCE_SQL, [fence.name, fence.epoch]);
      const tables = Object.values(live.tables).map(quoted).join(', ');
      await client.query(`LOCK TABLE ${tables} IN ACCESS EXCLUSIVE MODE`);
      for (const [logical, table] of Object.entries(live.tables)) {
        if (shadow.deferredIndexes) await swapDeferred(client, table, shadow.tables[logical]);
        else await replaceTable(client, table, shadow.tables[logical]);
      }
      await client.query('DELETE FROM checkpoints WHERE name = $1', [live.checkpoint]);
      await client.query('UPDATE checkpoints SET name = $1 WHERE name = $2', [
        live.checkpoint,
        shadow.checkpoint,
      ]);
    }),
  );
};

export const dropShadow = async (pool: Pool, shadow: PgTableSet): Promise<void> => {
  await withClient(pool, (client) =>
    inTransaction(client, async () => {
      for (const table of Object.values(shadow.tables))
        await client.query(`DROP TABLE IF EXISTS ${quoted(table)}`);
      await client.query('DELETE FROM checkpoints WHERE name = $1', [shadow.checkpoint]);
    }),
  );
};

export const resetTables = async (pool: Pool, set: PgTableSet): Promise<void> => {
  await withClient(pool, (client) =>
    inTransaction(client, async () => {
      await client.query(`TRUNCATE ${Object.values(set.tables).map(quoted).join(', ')}`);
      await client.query('DELETE FROM checkpoints WHERE name = $1', [set.checkpoint]);
    }),
  );
};
