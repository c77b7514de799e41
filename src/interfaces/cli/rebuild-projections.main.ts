/**
 * `npm run projections:rebuild [-- process-summaries]`: empties read models and replays every
 * event into them, with a progress bar and a closing events/s figure. Run it with the service
 * stopped (the running service's own projection would write into the table meanwhile).
 */
import 'reflect-metadata';
import { Pool } from 'pg';
import { rebuildProcessSummaries } from '../../application/projections/rebuild';
import { loadConfig } from '../../config';
import { openEventStore } from '../../infrastructure/open-event-store';
import { runMigrations } from '../../infrastructure/postgres/migrations';
import { PgProcessSummaryStore } from '../../infrastructure/postgres/pg-process-summaries';
import { ALL_MIGRATIONS } from '../../infrastructure/postgres/schema';
import { buildWorkflowRegistry } from '../../workflows';
import { openCliDatabase } from './cli-database';

const PROJECTIONS = ['process-summaries'];

const bar = (share: number): string => {
  const width = 30;
  const filled = Math.round(Math.min(1, Math.max(0, share)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
};

const main = async () => {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !PROJECTIONS.includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown projection ${unknown.join(', ')}; known: ${PROJECTIONS.join(', ')}`);
  }
  const config = loadConfig();
  const database = await openCliDatabase(config, 'exclusive');
  const databaseUrl = database.connectionString;
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  pool.on('error', () => undefined);
  const events = openEventStore(config.eventstoreConnectionString, pool);
  const store = events.store;
  try {
    await runMigrations(pool, ALL_MIGRATIONS);
    const interactive = process.stdout.isTTY;
    let lastPrint = 0;
    const result = await rebuildProcessSummaries(
      store,
      new PgProcessSummaryStore(pool),
      buildWorkflowRegistry(),
      {
        onProgress: ({ events, position, head }) => {
          if (Date.now() - lastPrint < 500) return;
          lastPrint = Date.now();
          const line = `process-summaries ${bar(head === 0 ? 1 : position / head)} ${events} events`;
          if (interactive) process.stdout.write(`\r${line}`);
          else console.log(line);
        },
      },
    );
    if (interactive) process.stdout.write('\n');
    const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : result.events;
    console.log(
      `rebuilt process-summaries: ${result.events} events in ${result.seconds.toFixed(1)} s (${rate} events/s)`,
    );
  } finally {
    await events.close();
    await pool.end();
    await database.release();
  }
};

main().catch((error: unknown) => {
  console.error(`rebuild failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
