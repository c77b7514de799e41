/**
 * The tables of one read model, live or shadow. A shadow is a copy of the live tables' shape
 * (`LIKE … INCLUDING ALL`: columns, defaults, generated columns, indexes, storage) with its own
 * checkpoint; promoting it swaps it in under the live names in one transaction, so readers see
 * either the old rows or the new ones. Index names keep the shadow's; PostgreSQL picks fresh
 * ones for the next shadow.
 */
import { Pool } from 'pg';
import { currentFence } from '../../application/ownership/write-fence';
import { inTransaction, withClient } from './pg-client';

export interface PgTableSet {
  /** Logical name → table name, e.g. { rows: 'callback_audit' }. */
  tables: Record<string, string>;
  checkpoint: string;
}

const SHADOW = '__shadow';

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

export const shadowOf = (live: PgTableSet): PgTableSet => ({
  tables: Object.fromEntries(
    Object.entries(live.tables).map(([logical, table]) => [logical, `${table}${SHADOW}`]),
  ),
  checkpoint: `${live.checkpoint}${SHADOW}`,
});

/** Empty shadow tables beside the live ones (a shadow left by a crashed rebuild is dropped). */
export const createShadow = async (pool: Pool, live: PgTableSet): Promise<PgTableSet> => {
  const shadow = shadowOf(live);
  await withClient(pool, (client) =>
    inTransaction(client, async () => {
      for (const [logical, table] of Object.entries(live.tables)) {
        const copy = quoted(shadow.tables[logical]);
        await client.query(`DROP TABLE IF EXISTS ${copy}`);
        await client.query(`CREATE TABLE ${copy} (LIKE ${quoted(table)} INCLUDING ALL)`);
      }
      await client.query('DELETE FROM checkpoints WHERE name = $1', [shadow.checkpoint]);
    }),
  );
  return shadow;
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
        await client.query(`DROP TABLE ${quoted(table)}`);
        await client.query(
          `ALTER TABLE ${quoted(shadow.tables[logical])} RENAME TO ${quoted(table)}`,
        );
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
