/**
 * `npm run projections:rebuild:offline [-- name ...]`: empties read models (all, or the ones
 * named) and replays every event into them in one pass, straight on the database, with a
 * progress bar on stderr and a closing events/s figure. For a stopped service (and the rebuild
 * benchmarks); a running service is rebuilt with `baton projections rebuild` (docs/cli.md),
 * which swaps shadow tables in without stopping it.
 */
import 'reflect-metadata';
import { Pool } from 'pg';
import { buildProjections } from '../../application/projections/read-models';
import { rebuild } from '../../application/projections/rebuild';
import { loadConfig } from '../../config';
import { openEventStore } from '../../infrastructure/open-event-store';
import { runMigrations } from '../../infrastructure/postgres/migrations';
import { PgCallbackAuditStore } from '../../infrastructure/postgres/pg-callback-audit';
import { PgProcessSummaryStore } from '../../infrastructure/postgres/pg-process-summaries';
import { PgStepLogStore } from '../../infrastructure/postgres/pg-step-log';
import { ALL_MIGRATIONS } from '../../infrastructure/postgres/schema';
import { registryOf } from '../../domain/workflow/registry-of';
import { openCliDatabase } from './cli-database';
import { loadWorkflowsModule, takeWorkflowsOption } from './workflows-module';

const bar = (share: number): string => {
  const width = 30;
  const filled = Math.round(Math.min(1, Math.max(0, share)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
};

const main = async () => {
  const { specifier, rest: wanted } = takeWorkflowsOption(process.argv.slice(2));
  const registry = registryOf(loadWorkflowsModule(specifier));
  const config = loadConfig();
  const database = await openCliDatabase(config, 'exclusive');
  const databaseUrl = database.connectionString;
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  pool.on('error', () => undefined);
  const events = openEventStore(config.eventstoreConnectionString, pool);
  const store = events.store;
  try {
    await runMigrations(pool, ALL_MIGRATIONS);
    const all = buildProjections({
      summaries: new PgProcessSummaryStore(pool),
      callbackAudit: new PgCallbackAuditStore(pool),
      stepLog: new PgStepLogStore(pool),
      registry,
    });
    const known = all.map((p) => p.name);
    const unknown = wanted.filter((name) => !known.includes(name));
    if (unknown.length > 0)
      throw new Error(`unknown projection ${unknown.join(', ')}; known: ${known.join(', ')}`);
    const chosen = wanted.length === 0 ? all : all.filter((p) => wanted.includes(p.name));
    const names = chosen.map((p) => p.name).join(', ');
    // The bar goes to stderr, the closing figure to stdout (scripts read it there).
    const interactive = process.stderr.isTTY;
    let lastPrint = 0;
    const result = await rebuild(store, chosen, {
      onProgress: ({ events, position, head }) => {
        if (Date.now() - lastPrint < 500) return;
        lastPrint = Date.now();
        const line = `${bar(head === 0 ? 1 : position / head)} ${events} events`;
        process.stderr.write(interactive ? `\r${line}` : `${line}\n`);
      },
      // Can take a while on a large store, with nothing else to show meanwhile.
      onPromoting: () =>
        process.stderr.write(
          `${interactive ? '\n' : ''}events replayed; building the indexes and swapping in ${names}\n`,
        ),
    });
    const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : result.events;
    console.log(
      `rebuilt ${names}: ${result.events} events in ${result.seconds.toFixed(1)} s (${rate} events/s)`,
    );
    if (result.promoteSeconds !== undefined)
      console.log(
        `of which building the indexes and swapping in: ${result.promoteSeconds.toFixed(1)} s`,
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
