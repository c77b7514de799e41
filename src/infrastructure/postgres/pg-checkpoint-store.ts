import { Pool } from 'pg';
import { CheckpointStore } from '../../application/ports/checkpoint-store';
import { Fence } from '../../application/ownership/write-fence';
import { query } from './pg-client';
import { toStoreError } from './pg-errors';

/**
 * A plain upsert, not "only ever forward": rebuilding a read model by replay starts by saving 0.
 * Like PgEventStore, it borrows the caller's pool and never ends it.
 */
export class PgCheckpointStore implements CheckpointStore {
  constructor(private readonly pool: Pool) {}

  async load(name: string): Promise<number> {
    try {
      const result = await this.pool.query<{ position: string }>(
        'SELECT position FROM checkpoints WHERE name = $1',
        [name],
      );
      return result.rows.length === 0 ? 0 : Number(result.rows[0].position);
    } catch (error) {
      throw toStoreError(error, `loading checkpoint ${name}`);
    }
  }

  async save(name: string, position: number): Promise<void> {
    try {
      await this.pool.query(
        `INSERT INTO checkpoints (name, position) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position`,
        [name, position],
      );
    } catch (error) {
      throw toStoreError(error, `saving checkpoint ${name}`);
    }
  }

  /**
   * A fenced checkpoint is written only while its fence's epoch is current, checked (and the
   * epoch row share-locked, so a takeover waits for this write) in the same statement.
   */
  async saveMany(
    positions: ReadonlyMap<string, number>,
    fences: ReadonlyMap<string, Fence> = new Map(),
  ): Promise<{ fencedOut: number }> {
    if (positions.size === 0) return { fencedOut: 0 };
    const names = [...positions.keys()];
    try {
      const { rowCount } = await query(this.pool, {
        name: 'baton_save_checkpoints',
        text: SAVE_MANY_SQL,
        values: [
          names,
          [...positions.values()],
          names.map((name) => fences.get(name)?.name ?? null),
          names.map((name) => fences.get(name)?.epoch ?? null),
        ],
      });
      return { fencedOut: names.length - (rowCount ?? 0) };
    } catch (error) {
      throw toStoreError(error, 'saving checkpoints');
    }
  }
}

const SAVE_MANY_SQL = `
INSERT INTO checkpoints (name, position)
SELECT u.name, u.position
FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[]) AS u(name, position, fence, epoch)
WHERE u.fence IS NULL OR EXISTS (
  SELECT 1 FROM ownership_epochs o WHERE o.name = u.fence AND o.epoch = u.epoch FOR SHARE)
ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position`;
