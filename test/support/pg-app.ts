/** A throw-away PostgreSQL with the full schema, for tests that run the app on the real store. */
import { Pool } from 'pg';
import { runMigrations } from '../../src/infrastructure/postgres/migrations';
import { ALL_MIGRATIONS } from '../../src/infrastructure/postgres/schema';
import { TestDatabase, TestPostgres, startTestPostgres } from './postgres';
import { TestApp, TestAppOptions, startTestApp } from './test-app';

export interface PgFixture {
  postgres: TestPostgres;
  db: TestDatabase;
  close(): Promise<void>;
}

export const startPgFixture = async (): Promise<PgFixture> => {
  const postgres = await startTestPostgres();
  const db = await postgres.createTestDatabase({ migrate: false });
  await runMigrations(db.pool, ALL_MIGRATIONS);
  return {
    postgres,
    db,
    close: async () => {
      await db.drop();
      await postgres.cleanup();
    },
  };
};

/** The app on its own throw-away PostgreSQL; close() stops both. */
export const startPgTestApp = async (
  options: Omit<TestAppOptions, 'pool'> & {
    /** Options that need the app's pool (handlers reading it, wrappers counting its statements). */
    withPool?: (pool: Pool) => Omit<TestAppOptions, 'pool'>;
  } = {},
): Promise<TestApp & { pg: PgFixture }> => {
  const pg = await startPgFixture();
  try {
    const { withPool, ...rest } = options;
    const app = await startTestApp({ ...rest, ...withPool?.(pg.db.pool), pool: pg.db.pool });
    return {
      ...app,
      pg,
      close: async () => {
        await app.close();
        await pg.close();
      },
    };
  } catch (error) {
    await pg.close();
    throw error;
  }
};
