/** A throw-away PostgreSQL with the full schema, for tests that run the app on the real store. */
import { runMigrations } from '../../src/infrastructure/postgres/migrations';
import { ALL_MIGRATIONS } from '../../src/infrastructure/postgres/schema';
import { TestDatabase, TestPostgres, startTestPostgres } from './postgres';

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
