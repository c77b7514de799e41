import { Pool } from 'pg';
import { SchemaStatus } from '../../application/ports/schema-status';
import { Migration } from './migrations';
import { toStoreError } from './pg-errors';

/** Compares `schema_migrations` with the migrations this build ships. */
export class PgSchemaStatus implements SchemaStatus {
  constructor(
    private readonly pool: Pool,
    private readonly migrations: readonly Migration[],
  ) {}

  async missingMigrations(): Promise<number[]> {
    try {
      const { rows } = await this.pool.query<{ version: number }>(
        `SELECT version FROM schema_migrations
         WHERE version = ANY($1::int[])`,
        [this.migrations.map((m) => m.version)],
      );
      const applied = new Set(rows.map((r) => r.version));
      return this.migrations.map((m) => m.version).filter((v) => !applied.has(v));
    } catch (error) {
      // No table at all: nothing was ever applied.
      if ((error as { code?: string }).code === '42P01')
        return this.migrations.map((m) => m.version);
      throw toStoreError(error, 'reading schema_migrations');
    }
  }
}
