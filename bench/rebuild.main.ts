/**
 * `npm run bench:rebuild`: how fast the process list (BENCH_REBUILD_PROJECTIONS: names, or "all")
 * is rebuilt from the event store. Seeds
 * BENCH_REBUILD_EVENTS (1,000,000) events: copies of a recorded, completed create_l2vpn history
 * (test/fixtures) under fresh ids, appended through Baton's own store API. Then runs
 * `npm run projections:rebuild:offline`'s compiled entry point against that database, as an operator
 * would, and reports the events/s it prints.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Pool } from 'pg';
import { onCleanup, runBench } from './lib/cleanup';
import { startBenchPostgres } from './lib/postgres-server';
import {
  resetStatementStats,
  statementCount,
  statementStatsEnabled,
  topStatements,
} from './lib/statement-stats';
import { repoRoot } from './lib/repo';
import { cpuSecondsWithExited, exitedChildrenCpuSeconds } from './lib/process-stats';
import { openBatonStore } from './scale/baton-store';
import { TemplateEvent } from './scale/clone-history';
import { seedProcesses } from './scale/seed';

const log = (message: string): void => void process.stderr.write(`[rebuild] ${message}\n`);

const FIXTURE = 'test/fixtures/create_l2vpn-v1-completed.events.json';

runBench(async () => {
  const wanted = Number(process.env.BENCH_REBUILD_EVENTS ?? 1_000_000);
  if (!Number.isInteger(wanted) || wanted <= 0)
    throw new Error('BENCH_REBUILD_EVENTS must be a positive integer');
  const template = JSON.parse(readFileSync(path.join(repoRoot, FIXTURE), 'utf8')) as Array<
    TemplateEvent & { streamId: string }
  >;
  const templateId = template[0].streamId.replace(/^process-/, '');
  const processes = Math.ceil(wanted / template.length);

  const pg = await startBenchPostgres();
  onCleanup(() => pg.stop());
  await pg.createDatabase('bench_rebuild');
  const pool = new Pool({ connectionString: pg.socketUrl('bench_rebuild'), max: 10 });
  pool.on('error', () => undefined); // idle clients see the server stop at the end
  onCleanup(() => pool.end());
  const store = await openBatonStore(pool);
  onCleanup(() => store.close());

  log(`seeding ${processes} completed processes (${processes * template.length} events)`);
  const seeding = await seedProcesses(store, template, templateId, processes, 8, log);
  const events = processes * template.length;
  log(`seeded at ${Math.round(seeding.perSecond * template.length)} events/s`);

  log('running the rebuild (dist/interfaces/cli/rebuild-projections.main.js)');
  // Counted inside PostgreSQL from here: the rebuild's statements only (a load-free figure).
  const adminUrl = pg.url('postgres');
  await resetStatementStats(adminUrl);
  const rebuildCpuBefore = exitedChildrenCpuSeconds();
  const pgCpuBefore = cpuSecondsWithExited([pg.pid]);
  const output = execFileSync(
    process.execPath,
    [
      // e.g. BENCH_REBUILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the rebuild
      ...(process.env.BENCH_REBUILD_NODE_ARGS ?? '').split(' ').filter(Boolean),
      path.join(repoRoot, 'dist/interfaces/cli/rebuild-projections.main.js'),
      '--workflows',
      path.join(repoRoot, 'dist-examples/l2vpn/src/index.js'),
      // the process list alone by default, comparable with earlier runs; "all" for every one
      ...(process.env.BENCH_REBUILD_PROJECTIONS === 'all'
        ? []
        : (process.env.BENCH_REBUILD_PROJECTIONS ?? 'process-summaries').split(',')),
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: pg.socketUrl('bench_rebuild'), LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const summary = /rebuilt [^:]+: (\d+) events in ([\d.]+) s \((\d+) events\/s\)/.exec(output);
  if (!summary) throw new Error(`the rebuild did not report its figures:\n${output}`);
  const [, rebuilt, seconds, rate] = summary;
  // The share of the index builds and the swap (printed by builds since 2026-12-08).
  const promote = /of which building the indexes and swapping in: ([\d.]+) s/.exec(output)?.[1];
  // CPU per 1,000 events: a figure the machine's other load does not change much (the rebuild
  // process's includes its start, about 1-2 s of loading the modules).
  const per1k = (seconds: number) => Math.round((seconds * 1000 * 1000) / Number(rebuilt));
  const rebuildCpuMsPer1k = per1k(exitedChildrenCpuSeconds() - rebuildCpuBefore);
  const postgresCpuMsPer1k = per1k(cpuSecondsWithExited([pg.pid]) - pgCpuBefore);
  const statements = await statementCount(adminUrl, 'bench_rebuild');
  if (statementStatsEnabled())
    for (const s of await topStatements(adminUrl, 'bench_rebuild', 10))
      log(`${s.calls} calls, ${Math.round(s.totalMs)} ms: ${s.query}`);
  const result = {
    date: new Date().toISOString(),
    events,
    processes,
    seededEventsPerSecond: Math.round(seeding.perSecond * template.length),
    rebuiltEvents: Number(rebuilt),
    rebuildSeconds: Number(seconds),
    rebuildEventsPerSecond: Number(rate),
    promoteSeconds: promote === undefined ? null : Number(promote),
    // Migrations, the reset and the checkpoints included.
    statements,
    eventsPerStatement: Math.round(Number(rebuilt) / statements),
    rebuildCpuMsPer1k,
    postgresCpuMsPer1k,
  };
  const table = [
    `Projection rebuild (${result.date}; ${events} events in ${processes} completed create_l2vpn processes; PostgreSQL 18 embedded, fsync on)`,
    '',
    '| events rebuilt | seconds | of which indexes and swap s | events/s | SQL statements | events per statement | CPU ms per 1k events: rebuild / PostgreSQL |',
    '|---|---|---|---|---|---|---|',
    `| ${result.rebuiltEvents} | ${result.rebuildSeconds} | ${result.promoteSeconds ?? '–'} | ${result.rebuildEventsPerSecond} | ${statements} | ${result.eventsPerStatement} | ${rebuildCpuMsPer1k} / ${postgresCpuMsPer1k} |`,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  const results = path.join(repoRoot, 'bench/results');
  mkdirSync(results, { recursive: true });
  writeFileSync(path.join(results, 'rebuild-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(path.join(results, 'rebuild-latest.md'), `${table}\n`);
});
