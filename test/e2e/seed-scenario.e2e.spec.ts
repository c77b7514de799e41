/** The seed scenario (test/support/seed-scenario.ts) on PostgreSQL. */
import { describeSeedScenario } from '../support/seed-scenario';
import { startPgTestApp } from '../support/pg-app';

describeSeedScenario('PostgreSQL', async (options) => {
  const t = await startPgTestApp(options);
  return {
    ...t,
    storedText: async () => {
      const { rows: tables } = await t.pg.db.pool.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      expect(tables.map((r) => r.table_name)).toEqual(
        expect.arrayContaining(['events', 'process_summaries', 'checkpoints']),
      );
      let dump = '';
      for (const { table_name } of tables) {
        const { rows } = await t.pg.db.pool.query(`SELECT t::text AS row FROM "${table_name}" t`);
        dump += rows.map((r) => r.row).join('\n');
      }
      return dump;
    },
  };
});
