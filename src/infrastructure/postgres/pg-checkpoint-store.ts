import { Pool } from 'pg';
import { CheckpointStore } from '../../application/ports/checkpoint-store';
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

  async saveMany(positions: ReadonlyMap<string, number>): Promise<void> {
    if (positions.size === 0) return;
    try {
      await this.pool.query(
        `INSERT INTO checkpoints (name, position)
         SELECT * FROM unnest($1::text[], $2::bigint[])
         ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position`,
        [[...positions.keys()], [...positions.values()]],
      );
    } catch (error) {
      throw toStoreError(error, 'saving checkpoints');
    }
  }
}
