/**
 * The figures of a comparison: each run's, then per figure the median of each side and the
 * median of the round-by-round changes. On a shared machine the same build swings by 30–40%
 * from one minute to the next; a change measured within each round (A and B back to back) and
 * taken over several rounds is what can be told apart from that swing. The ratios to the peers
 * measured in the same run (DBOS, Restate, orchestrator-core) ride the same swing as Baton,
 * which is why they are here too.
 */
import { EngineResult } from '../side-by-side/measure-engine';
import { SideBySideReport } from '../side-by-side/report';
import { Side } from './compare-settings';

export interface ComparedRun {
  round: number;
  side: Side;
  /** One-minute load average when the run started. */
  load: number;
  /** When it started (ISO time). */
  startedAt?: string;
  /** null when the run failed; `error` says why. */
  report: SideBySideReport | null;
  error?: string;
}

interface Figure {
  label: string;
  digits: number;
  read(report: SideBySideReport): number | undefined;
}

const PEERS = ['DBOS', 'Restate', 'orchestrator-core'];

const engine = (report: SideBySideReport, name: string): EngineResult | undefined =>
  report.engines.find((e) => e.engine === name);

const baton =
  (read: (r: EngineResult) => number | null | undefined) => (report: SideBySideReport) =>
    finite(mapDefined(engine(report, 'Baton'), read));

const mapDefined = <T, U>(value: T | undefined, f: (v: T) => U): U | undefined =>
  value === undefined ? undefined : f(value);

const finite = (value: number | null | undefined): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

const FIGURES: Figure[] = [
  { label: 'Baton processes/s', digits: 1, read: baton((r) => r.processesPerSecond) },
  {
    label: 'server CPU ms/process',
    digits: 2,
    read: baton((r) => r.serverCpuSecondsPerProcess * 1000),
  },
  { label: 'callback POST p50 ms', digits: 1, read: baton((r) => r.callbackPostMs.p50) },
  { label: 'callback POST p99 ms', digits: 1, read: baton((r) => r.callbackPostMs.p99) },
  { label: 'SQL statements/process', digits: 2, read: baton((r) => r.sqlStatementsPerProcess) },
  { label: 'status polls/process', digits: 2, read: baton((r) => r.pollsPerProcess) },
  {
    label: 'PostgreSQL CPU ms/process',
    digits: 2,
    read: baton((r) => mapDefined(r.postgresCpuSecondsPerProcess ?? undefined, (s) => s * 1000)),
  },
  { label: 'server RSS at end MiB', digits: 0, read: baton((r) => r.serverRssEndMiB) },
  ...PEERS.map((peer) => ({
    label: `Baton ÷ ${peer}`,
    digits: 2,
    read: (report: SideBySideReport) => {
      const ours = engine(report, 'Baton')?.processesPerSecond;
      const theirs = engine(report, peer)?.processesPerSecond;
      return ours !== undefined && theirs ? finite(ours / theirs) : undefined;
    },
  })),
  ...PEERS.map((peer) => ({
    label: `${peer} processes/s`,
    digits: 1,
    read: (report: SideBySideReport) => finite(engine(report, peer)?.processesPerSecond),
  })),
];

/** The figures each run's row shows (the rest are in the summary). */
const RUN_FIGURES = FIGURES.slice(0, 6);

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const binomialHalf = (n: number, k: number): number => {
  let coefficient = 1;
  for (let i = 1; i <= k; i++) coefficient = (coefficient * (n - i + 1)) / i;
  return coefficient / 2 ** n;
};

/**
 * A distribution-free interval of at least 95% for the median: the k-th smallest and k-th
 * largest value, k the largest for which the chance of fewer than k values below the median
 * is at most 2.5% (binomial, p = ½). It needs no assumption about how the machine's swings are
 * distributed; undefined under 6 values, where no such interval exists.
 */
export function medianInterval(values: readonly number[]): [number, number] | undefined {
  const n = values.length;
  let below = 0; // P(fewer than k values below the median), for k = 1, 2, …
  let k = 0;
  while (below + binomialHalf(n, k) <= 0.025) below += binomialHalf(n, k++);
  if (k === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return [sorted[k - 1], sorted[n - k]];
}

export interface FigureSummary {
  label: string;
  digits: number;
  a: number;
  b: number;
  /** B against A within each round that has both, as a fraction (0.1 = B is 10% higher). */
  changes: number[];
  medianChange: number;
  /** At least 95% sure the median change lies in it; undefined with under 6 rounds. */
  interval: [number, number] | undefined;
}

const valueOf = (runs: readonly ComparedRun[], round: number, side: Side, figure: Figure) => {
  const run = runs.find((r) => r.round === round && r.side === side);
  return run?.report ? figure.read(run.report) : undefined;
};

const defined = (value: number | undefined): value is number => value !== undefined;

/** Every figure that at least one run of each side has. */
export function summarize(runs: readonly ComparedRun[]): FigureSummary[] {
  const rounds = [...new Set(runs.map((r) => r.round))].sort((x, y) => x - y);
  const summaries: FigureSummary[] = [];
  for (const figure of FIGURES) {
    const pairs = rounds.map((round) => ({
      a: valueOf(runs, round, 'A', figure),
      b: valueOf(runs, round, 'B', figure),
    }));
    const [a, b] = [pairs.map((p) => p.a).filter(defined), pairs.map((p) => p.b).filter(defined)];
    if (a.length === 0 || b.length === 0) continue;
    const changes = pairs.flatMap(({ a: x, b: y }) =>
      x !== undefined && y !== undefined && x !== 0 ? [y / x - 1] : [],
    );
    summaries.push({
      label: figure.label,
      digits: figure.digits,
      a: median(a),
      b: median(b),
      changes,
      medianChange: median(changes),
      interval: medianInterval(changes),
    });
  }
  return summaries;
}

const fixed = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '–';

const percent = (fraction: number): string =>
  Number.isFinite(fraction)
    ? `${fraction >= 0 ? '+' : '−'}${Math.abs(fraction * 100).toFixed(1)}%`
    : '–';

export interface SideLabels {
  A: string;
  B: string;
}

/** The comparison as Markdown: what was compared, the summary, then every run. */
export function markdownComparison(
  labels: SideLabels,
  runs: readonly ComparedRun[],
  settingsLine: string,
): string {
  const summaries = summarize(runs);
  const lines = [
    `Comparison (runs started ${runs[0]?.startedAt ?? '?'} to ${runs.at(-1)?.startedAt ?? '?'}): ${settingsLine}`,
    '',
    `- **A**: ${labels.A}`,
    `- **B**: ${labels.B}`,
    '',
    '| figure | A (median) | B (median) | B against A, median of rounds | 95% interval of the median change | each round |',
    '|---|---|---|---|---|---|',
    ...summaries.map(
      (s) =>
        `| ${s.label} | ${fixed(s.a, s.digits)} | ${fixed(s.b, s.digits)} | ${percent(s.medianChange)} | ${s.interval ? s.interval.map(percent).join(' to ') : 'needs 6 rounds'} | ${s.changes.map(percent).join(', ')} |`,
    ),
    '',
    `| round | side | load (1 min) | ${RUN_FIGURES.map((f) => f.label).join(' | ')} |`,
    `|---|---|---|${RUN_FIGURES.map(() => '---|').join('')}`,
    ...runs.map((run) => {
      const cells = RUN_FIGURES.map((f) =>
        run.report ? fixed(f.read(run.report) ?? Number.NaN, f.digits) : '–',
      );
      // A table cell cannot hold a pipe, nor a line break.
      const failure = run.error ? ` (failed: ${run.error.replace(/[|\n]/g, ' ')})` : '';
      return `| ${run.round} | ${run.side}${failure} | ${run.load.toFixed(2)} | ${cells.join(' | ')} |`;
    }),
  ];
  return lines.join('\n');
}
