/**
 * `npm run bench:projections`: the read models' two figures.
 *
 * 1. Rebuild speed: seeds BENCH_PROJECTION_EVENTS (200,000) events, copies of a recorded
 *    completed create_l2vpn history, through Baton's own store API, then runs
 *    `npm run projections:rebuild:offline`'s compiled entry point (every projection, one pass) as an
 *    operator would, and reads the events/s it prints.
 * 2. Lag under a burst: starts the compiled server on that database, waits until its
 *    projections, its runner and its audit ledger have caught up, then appends BENCH_BURST_EVENTS (10,000) events as fast as
 *    8 writers can, and samples the checkpoints table every few milliseconds from another
 *    connection (never through the server, whose event loop is what is measured). Per
 *    projection: time from an event's append returning to its checkpoint passing it (max, p99),
 *    and the events appended but not yet applied at each sample (max, p99).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { onCleanup, runBench } from './lib/cleanup';
import { sleep } from './lib/http-json';
import { startBenchPostgres } from './lib/postgres-server';
import { repoRoot } from './lib/repo';
import { percentile, round } from './lib/stats';
import { cpuSeconds } from './lib/process-stats';
import {
  resetStatementStats,
  statementCount,
  statementStatsEnabled,
  topStatements,
} from './lib/statement-stats';
import { startBatonServer } from './engines/launchers';
import { openBatonStore, processStreamId } from './scale/baton-store';
import { TemplateEvent, cloneHistory } from './scale/clone-history';
import { seedProcesses } from './scale/seed';

const log = (message: string): void => void process.stderr.write(`[projections] ${message}\n`);

const FIXTURE = 'test/fixtures/create_l2vpn-v1-completed.events.json';
/**
 * Checkpoint of each projection. BENCH_PROJECTION_CHECKPOINTS="name=checkpoint,…" measures a
 * build whose projections differ (an older one, for comparison).
 */
const CHECKPOINTS: Record<string, string> = process.env.BENCH_PROJECTION_CHECKPOINTS
  ? Object.fromEntries(
      process.env.BENCH_PROJECTION_CHECKPOINTS.split(',').map((pair) => pair.split('=')),
    )
  : {
      'process-summaries': 'projection:process-summaries:v2',
      'callback-audit': 'projection:callback-audit',
      'step-log': 'projection:step-log',
    };

const positiveInt = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};

interface Sample {
  at: number;
  positions: Record<string, number>;
}

runBench(async () => {
  const wanted = positiveInt('BENCH_PROJECTION_EVENTS', 200_000);
  const burst = positiveInt('BENCH_BURST_EVENTS', 10_000);
  const template = JSON.parse(readFileSync(path.join(repoRoot, FIXTURE), 'utf8')) as Array<
    TemplateEvent & { streamId: string }
  >;
  const templateId = template[0].streamId.replace(/^process-/, '');
  const processes = Math.ceil(wanted / template.length);

  const pg = await startBenchPostgres();
  onCleanup(() => pg.stop());
  await pg.createDatabase('bench_projections');
  const url = pg.socketUrl('bench_projections');
  const pool = new Pool({ connectionString: url, max: 10 });
  pool.on('error', () => undefined); // idle clients see the server stop at the end
  onCleanup(() => pool.end());
  const store = await openBatonStore(pool);
  onCleanup(() => store.close());

  log(`seeding ${processes} completed processes (${processes * template.length} events)`);
  await seedProcesses(store, template, templateId, processes, 8, log);

  log('rebuilding every projection (dist/interfaces/cli/rebuild-projections.main.js)');
  const output = execFileSync(
    process.execPath,
    [
      path.join(repoRoot, 'dist/interfaces/cli/rebuild-projections.main.js'),
      '--workflows',
      path.join(repoRoot, 'dist-examples/l2vpn/src/index.js'),
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const figures = /rebuilt ([^:]+): (\d+) events in ([\d.]+) s \((\d+) events\/s\)/.exec(output);
  if (!figures) throw new Error(`the rebuild did not report its figures:\n${output}`);
  const rebuildResult = {
    projections: figures[1],
    events: Number(figures[2]),
    seconds: Number(figures[3]),
    eventsPerSecond: Number(figures[4]),
  };
  log(`rebuild: ${rebuildResult.eventsPerSecond} events/s`);

  log('starting the server and waiting for its projections to be at the head');
  const { server } = await startBatonServer(url, 'http://127.0.0.1:9');
  onCleanup(() => server.stop());
  const head = async () =>
    Number((await pool.query<{ p: string }>('SELECT max(position) AS p FROM events')).rows[0].p);
  const checkpoints = async (): Promise<Record<string, number>> => {
    const { rows } = await pool.query<{ name: string; position: string }>(
      'SELECT name, position FROM checkpoints WHERE name = ANY($1)',
      [Object.values(CHECKPOINTS)],
    );
    const byName = new Map(rows.map((r) => [r.name, Number(r.position)]));
    return Object.fromEntries(
      Object.entries(CHECKPOINTS).map(([name, cp]) => [name, byName.get(cp) ?? 0]),
    );
  };
  const before = await head();
  for (;;) {
    const positions = await checkpoints();
    if (Object.values(positions).every((p) => p >= before)) break;
    await sleep(100);
  }
  // The other followers of the same events replay the seeded store too (the runner's
  // partitions, the audit ledger): a burst sent while they still do measures the read models
  // competing with that replay for the server's CPU, not following new events. Wait for them.
  log('waiting for the runner and the audit ledger to be at the head too');
  const othersAt = async (): Promise<number> => {
    const { rows } = await pool.query<{ p: string | null }>(
      `SELECT least(
         (SELECT min(position) FROM checkpoints WHERE name LIKE 'runner:%'),
         CASE WHEN to_regclass('ledger_state') IS NULL THEN NULL
              ELSE (SELECT position FROM ledger_state) END) AS p`,
    );
    return Number(rows[0].p ?? before);
  };
  const settleBy = performance.now() + 600_000;
  while ((await othersAt()) < before && performance.now() < settleBy) await sleep(200);
  await sleep(1000); // let the server settle

  log(`burst: ${burst} events from 8 writers`);
  // Load-independent figures of the burst: the server's CPU and the statements PostgreSQL ran
  // (every consumer's, the runner's and the ledger's included; the sampler's are taken off).
  const adminUrl = pg.url('postgres');
  await resetStatementStats(adminUrl);
  const cpuBefore = cpuSeconds([server.pid]);
  const appendedAt = new Map<string, number>(); // stream → when its append returned
  const samples: Sample[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push({ at: performance.now(), positions: await checkpoints() });
      await sleep(2);
    }
  })();
  const burstProcesses = Math.ceil(burst / template.length);
  let next = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < burstProcesses) {
        next += 1;
        const clone = cloneHistory(template, templateId);
        const stream = processStreamId(clone.processId);
        await store.append(stream, clone.events, 'no_stream');
        appendedAt.set(stream, performance.now());
      }
    }),
  );
  const appendSeconds = (performance.now() - began) / 1000;
  const burstHead = await head();
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    const last = samples[samples.length - 1];
    if (last && Object.values(last.positions).every((p) => p >= burstHead)) break;
    await sleep(20);
  }
  sampling = false;
  await sampler;
  const serverCpuMs = (cpuSeconds([server.pid]) - cpuBefore) * 1000;
  const statements = (await statementCount(adminUrl, 'bench_projections')) - samples.length;
  if (statementStatsEnabled())
    for (const s of await topStatements(adminUrl, 'bench_projections', 12))
      log(`${s.calls} calls, ${Math.round(s.totalMs)} ms: ${s.query}`);

  const { rows: burstEvents } = await pool.query<{ stream_id: string; position: string }>(
    'SELECT stream_id, position FROM events WHERE position > $1 ORDER BY position',
    [before],
  );
  const events = burstEvents.map((e) => ({
    position: Number(e.position),
    appendedAt: appendedAt.get(e.stream_id) ?? began,
  }));
  const lag: Record<string, unknown> = {};
  for (const name of Object.keys(CHECKPOINTS)) {
    const delays: number[] = [];
    let s = 0;
    for (const event of events) {
      while (s < samples.length && samples[s].positions[name] < event.position) s += 1;
      if (s === samples.length) throw new Error(`${name} never applied position ${event.position}`);
      delays.push(Math.max(0, samples[s].at - event.appendedAt));
    }
    const behind = samples
      .filter((sample) => sample.at >= began)
      .map(
        (sample) =>
          events.filter((e) => e.appendedAt <= sample.at && e.position > sample.positions[name])
            .length,
      );
    lag[name] = {
      maxMs: round(Math.max(...delays)),
      p99Ms: round(percentile(delays, 99)),
      p50Ms: round(percentile(delays, 50)),
      maxEventsBehind: Math.max(...behind),
      p99EventsBehind: percentile(behind, 99),
    };
  }

  const result = {
    date: new Date().toISOString(),
    // The machine's 1-minute load average at the end: figures from a shared, busy machine differ.
    loadAverage: round(os.loadavg()[0], 1),
    rebuild: { ...rebuildResult, processes },
    burst: {
      events: events.length,
      appendSeconds: round(appendSeconds, 2),
      appendedEventsPerSecond: Math.round(events.length / appendSeconds),
      samples: samples.length,
      serverCpuMsPer1kEvents: round((serverCpuMs / events.length) * 1000, 1),
      statementsPer1kEvents: round((statements / events.length) * 1000, 1),
      lag,
    },
  };
  const rows = Object.entries(lag).map(([name, l]) => {
    const f = l as Record<string, number>;
    return `| ${name} | ${f.p50Ms} | ${f.p99Ms} | ${f.maxMs} | ${f.p99EventsBehind} | ${f.maxEventsBehind} |`;
  });
  const table = [
    `Projections (${result.date}; PostgreSQL 18 embedded, fsync on; load average ${result.loadAverage} on ${os.cpus().length} cores)`,
    '',
    `Rebuild of ${rebuildResult.projections} in one pass: ${rebuildResult.events} events (${processes} completed create_l2vpn processes) in ${rebuildResult.seconds} s, **${rebuildResult.eventsPerSecond} events/s**.`,
    '',
    `Burst: ${events.length} events appended by 8 writers in ${result.burst.appendSeconds} s (${result.burst.appendedEventsPerSecond} events/s) into the running server; checkpoints sampled ${samples.length} times. Until caught up, the server used ${result.burst.serverCpuMsPer1kEvents} ms of CPU and PostgreSQL ran ${result.burst.statementsPer1kEvents} statements (the sampler's not counted) per 1,000 events.`,
    '',
    '| projection | lag p50 ms | lag p99 ms | lag max ms | events behind p99 | events behind max |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  const results = path.join(repoRoot, 'bench/results');
  mkdirSync(results, { recursive: true });
  writeFileSync(
    path.join(results, 'projections-latest.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  writeFileSync(path.join(results, 'projections-latest.md'), `${table}\n`);
});
