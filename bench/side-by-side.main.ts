/**
 * `npm run bench`: the seed workload on Baton, DBOS, Restate and orchestrator-core one after
 * another, plus the PostgreSQL commit floor, printed side by side and written to bench/results/.
 * Settings: BENCH_N (300), BENCH_WARMUP (20), BENCH_CLIENTS (16), BENCH_POLL_MS (5),
 * BENCH_ENGINES (baton,dbos,restate,orchestrator-core), BENCH_FLOOR_MS (5000). Baton's
 * integrations: BENCH_TRACING=on, BENCH_WEBHOOK=slow; and BENCH_WORKERS=N (see lib/baton-variant.ts).
 * Baton's long polls instead of 5 ms polling: BENCH_LONG_POLL_MS=<ms> (see load/engine-clients.ts).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ALL_ENGINES } from './engines/all-engines';
import { prepareOrchestratorCore } from './engines/orchestrator-core-launcher';
import { onCleanup, runBench } from './lib/cleanup';
import { measureCommitFloor } from './lib/commit-floor';
import { startBenchPostgres } from './lib/postgres-server';
import { repoRoot } from './lib/repo';
import { BenchSettings, EngineResult } from './side-by-side/measure-engine';
import { measureEngine } from './side-by-side/measure-engine';
import { markdownReport, SideBySideReport } from './side-by-side/report';

const intSetting = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};

async function main(): Promise<void> {
  if (!existsSync(path.join(repoRoot, 'dist/main.js')))
    throw new Error('dist/main.js missing: run npm run build');
  const settings: BenchSettings = {
    processes: intSetting('BENCH_N', 300),
    warmup: intSetting('BENCH_WARMUP', 20),
    clients: intSetting('BENCH_CLIENTS', 16),
    pollMs: intSetting('BENCH_POLL_MS', 5),
  };
  const wanted = (process.env.BENCH_ENGINES ?? ALL_ENGINES.map((e) => e.kind).join(',')).split(',');
  const launchers = ALL_ENGINES.filter((e) => wanted.includes(e.kind));
  const unknown = wanted.filter((kind) => !ALL_ENGINES.some((e) => e.kind === kind));
  if (unknown.length > 0) throw new Error(`BENCH_ENGINES: unknown engine ${unknown.join(', ')}`);
  // Its venv (built once, then reused) also carries the pgvector its migrations need.
  const extensions = wanted.includes('orchestrator-core') ? [prepareOrchestratorCore()] : [];
  const pg = await startBenchPostgres(extensions);
  onCleanup(() => pg.stop());
  const engines: EngineResult[] = [];
  // One engine that fails (a peer answering 500 in its warm-up) must not cost the others'
  // figures: it is left out of the report, named, and the run exits non-zero.
  const failed: string[] = [];
  for (const launcher of launchers) {
    try {
      engines.push(await measureEngine(launcher, pg, settings));
    } catch (error) {
      const reason = `${launcher.name}: ${(error as Error).message}`;
      failed.push(reason);
      process.stderr.write(`[${launcher.name}] failed, left out of the report: ${reason}\n`);
    }
  }
  process.stderr.write('[floor] PostgreSQL commit floor\n');
  await pg.createDatabase('bench_floor');
  const commitFloor = await measureCommitFloor(
    pg.url('bench_floor'),
    settings.clients,
    intSetting('BENCH_FLOOR_MS', 5000),
  );
  const report: SideBySideReport = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    settings,
    engines,
    commitFloor,
  };
  const markdown = markdownReport(report);
  process.stdout.write(`\n${markdown}\n`);
  writeResults(report, markdown);
  if (failed.length > 0) {
    process.stderr.write(`engines that failed (not in the report):\n  ${failed.join('\n  ')}\n`);
    process.exitCode = 1;
  }
}

function writeResults(report: SideBySideReport, markdown: string): void {
  // BENCH_RESULTS_DIR: elsewhere (bench:compare's runs must not replace latest.md).
  const dir = process.env.BENCH_RESULTS_DIR || path.join(repoRoot, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const stamp = report.date.slice(0, 16).replace(/:/g, '-');
  // A run of fewer engines (a diagnostic) must not replace the side-by-side figures.
  // So must a run of a Baton variant (tracing on, slow webhook receivers, several workers, long polls).
  const variant =
    process.env.BENCH_TRACING === 'on' ||
    process.env.BENCH_WEBHOOK === 'slow' ||
    (process.env.BENCH_WORKERS ?? '1').trim() !== '1' ||
    Number(process.env.BENCH_LONG_POLL_MS ?? 0) > 0;
  const complete = report.engines.length === ALL_ENGINES.length && !variant;
  const names = complete ? ['latest', `side-by-side-${stamp}`] : [`partial-${stamp}`];
  for (const name of names) {
    writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(dir, `${name}.md`), `${markdown}\n`);
  }
  process.stderr.write(`results written to ${dir}/${names[0]}.{json,md}\n`);
}

runBench(main);
