/**
 * `npm run bench:compare`: `npm run bench` before and after a change, alternated, so that the
 * machine's swings weigh on both sides. Side A is BENCH_COMPARE_BASE (a commit, built once
 * outside the checkout: compare/base-build.ts) or this checkout; side B is this checkout.
 * BENCH_COMPARE_A_ENV and BENCH_COMPARE_B_ENV add settings to one side
 * (`BENCH_COMPARE_B_ENV="BENCH_TRACING=on"`: tracing's cost on one build).
 * BENCH_COMPARE_ROUNDS (4) rounds of one run each, A B then B A. Every other BENCH_* setting
 * (BENCH_N, BENCH_ENGINES, …) reaches every run. Prints the medians and the round-by-round
 * change of each figure, and writes them to bench/results/compare-<time>.{md,json}.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeCheckout, prepareBaseBuild, resolveCommit } from './compare/base-build';
import { compareSettings, runOrder, Side } from './compare/compare-settings';
import { ComparedRun, markdownComparison } from './compare/compare-summary';
import { startChild } from './lib/child-processes';
import { onCleanup, runBench } from './lib/cleanup';
import { repoRoot } from './lib/repo';
import { SideBySideReport } from './side-by-side/report';

const log = (message: string): void => void process.stderr.write(`[compare] ${message}\n`);

const RESULTS_LINE = /results written to (.+)\.\{json,md\}/;

const describeEnv = (env: Record<string, string>): string =>
  Object.entries(env)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');

/** The report a run wrote: the JSON file in its results folder, or the one its log names. */
function reportOf(resultsDir: string, log: string): SideBySideReport {
  const written = readdirSync(resultsDir).filter((name) => name.endsWith('.json'));
  // A base commit from before BENCH_RESULTS_DIR wrote into its own tree, and said where.
  const named = RESULTS_LINE.exec(log)?.[1];
  const file =
    written.length > 0 ? path.join(resultsDir, written[0]) : named ? `${named}.json` : undefined;
  if (file === undefined) throw new Error('no results written');
  return JSON.parse(readFileSync(file, 'utf8')) as SideBySideReport;
}

/** One `npm run bench` of one side, its progress shown; its report, or why there is none. */
async function runOnce(
  tree: string,
  env: Record<string, string>,
  name: string,
  resultsDir: string,
): Promise<{ report: SideBySideReport | null; error?: string }> {
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  const child = startChild(name, process.execPath, ['dist-bench/side-by-side.main.js'], {
    cwd: tree,
    env: { ...process.env, ...env, BENCH_RESULTS_DIR: resultsDir },
    echo: true,
    // Its own cleanup stops servers and PostgreSQL; give it the time to.
    stopGraceMs: 60_000,
  });
  let log = '';
  child.child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  const code = await child.exited;
  // Exited non-zero with a report: an engine failed and was left out; the rest still counts.
  const failed =
    code === 0
      ? undefined
      : `exited ${code}: ${child.recentOutput().split('\n').slice(-3).join(' / ')}`;
  try {
    return { report: reportOf(resultsDir, log), error: failed };
  } catch (error) {
    return { report: null, error: failed ?? (error as Error).message };
  }
}

async function main(): Promise<void> {
  const settings = compareSettings(process.env);
  const checkout = describeCheckout();
  const base = settings.base === undefined ? undefined : resolveCommit(settings.base);
  const trees: Record<Side, string> = {
    A: base === undefined ? repoRoot : await prepareBaseBuild(base, log),
    B: repoRoot,
  };
  const envs: Record<Side, Record<string, string>> = { A: settings.aEnv, B: settings.bEnv };
  const label = (side: Side, commit: string) =>
    [commit, describeEnv(envs[side])].filter(Boolean).join(' with ');
  const labels = {
    A: label('A', base === undefined ? `this checkout (${checkout})` : base.slice(0, 12)),
    B: label('B', `this checkout (${checkout})`),
  };
  const passedOn = Object.entries(process.env)
    .filter(([name]) => name.startsWith('BENCH_') && !name.startsWith('BENCH_COMPARE_'))
    .map(([name, value]) => `${name}=${value}`);
  const rounds =
    settings.rounds === 1 ? '1 round (A then B)' : `${settings.rounds} rounds (A B, then B A)`;
  const settingsLine = `${rounds}; ${passedOn.join(' ') || 'the bench defaults'}`;
  log(`A: ${labels.A}`);
  log(`B: ${labels.B}`);

  const runs: ComparedRun[] = [];
  const order = runOrder(settings.rounds);
  let finished = false;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'baton-compare-'));
  onCleanup(async () => {
    rmSync(scratch, { recursive: true, force: true });
    // An interrupted comparison still says what it measured.
    if (!finished && runs.length > 0)
      process.stderr.write(
        `\n${markdownComparison(labels, runs, `${settingsLine}; interrupted`)}\n`,
      );
  });
  for (const [i, { round, side }] of order.entries()) {
    const load = os.loadavg()[0];
    const startedAt = new Date().toISOString();
    log(`run ${i + 1}/${order.length}: round ${round}, ${side} (load ${load.toFixed(2)})`);
    const result = await runOnce(trees[side], envs[side], `${side}${round}`, scratch);
    runs.push({ round, side, load, startedAt, ...result });
    if (result.error) log(`round ${round}, ${side}: ${result.error}`);
  }
  const markdown = markdownComparison(labels, runs, settingsLine);
  process.stdout.write(`\n${markdown}\n`);
  const stamp = new Date().toISOString().slice(0, 16).replace(/:/g, '-');
  const file = path.join(repoRoot, 'bench/results', `compare-${stamp}`);
  writeFileSync(`${file}.md`, `${markdown}\n`);
  writeFileSync(`${file}.json`, `${JSON.stringify({ labels, settingsLine, runs }, null, 2)}\n`);
  log(`written to ${path.relative(repoRoot, file)}.{md,json}`);
  finished = true;
  if (runs.some((r) => r.error)) process.exitCode = 1;
}

runBench(main);
