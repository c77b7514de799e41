/**
 * `npm run bench:compare`'s arithmetic and settings: the runs alternate sides, the medians and
 * round-by-round changes are those of the figures given, and bad settings are refused by name.
 */
import { compareSettings, parseEnvPairs, runOrder } from '../../bench/compare/compare-settings';
import {
  ComparedRun,
  markdownComparison,
  median,
  medianInterval,
  summarize,
} from '../../bench/compare/compare-summary';
import { EngineResult } from '../../bench/side-by-side/measure-engine';
import { SideBySideReport } from '../../bench/side-by-side/report';

const engine = (name: string, perSecond: number, cpuMs = 10, p99 = 50): EngineResult => ({
  engine: name,
  completed: 300,
  errors: [],
  wallSeconds: 300 / perSecond,
  processesPerSecond: perSecond,
  endToEndMs: { p50: 100, p99: 200, n: 300 },
  callbackPostMs: { p50: 20, p99, n: 300 },
  callbackToSuspendedMs: { p50: 30, p99: 60, n: 300 },
  historyRecordsPerProcess: 11,
  historyRecordsPerSecond: 11 * perSecond,
  pollsPerProcess: 6.5,
  callbackRetriesPerProcess: 0,
  callbackServerErrorsPerProcess: 0,
  sqlStatementsPerProcess: 5.5,
  serverCpuSecondsPerProcess: cpuMs / 1000,
  postgresCpuSecondsPerProcess: 0.004,
  serverRssEndMiB: 220,
  serverRssPeakMiB: 230,
  loadGeneratorCpuSecondsPerProcess: 0.002,
});

const report = (...engines: EngineResult[]): SideBySideReport => ({
  date: '2026-12-08T00:00:00.000Z',
  machine: { cpus: 2, memoryGiB: 24, node: 'v20', platform: 'linux-x64' },
  settings: { processes: 300, warmup: 20, clients: 16, pollMs: 5 },
  engines,
  commitFloor: {} as SideBySideReport['commitFloor'],
});

const run = (round: number, side: 'A' | 'B', r: SideBySideReport | null): ComparedRun => ({
  round,
  side,
  load: 1,
  report: r,
  ...(r ? {} : { error: 'exited 1' }),
});

describe('bench:compare', () => {
  it('alternates the sides: A B, then B A', () => {
    expect(runOrder(3).map((r) => `${r.round}${r.side}`)).toEqual([
      '1A',
      '1B',
      '2B',
      '2A',
      '3A',
      '3B',
    ]);
  });

  it('takes the median of an odd and of an even number of values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('gives a distribution-free 95% interval of the median from 6 rounds on', () => {
    expect(medianInterval([1, 2, 3, 4, 5])).toBeUndefined();
    // n = 6: below P(X = 0) = 1/64 ≤ 2.5%, the extremes; n = 12: the 3rd and the 10th.
    expect(medianInterval([6, 1, 5, 2, 4, 3])).toEqual([1, 6]);
    const twelve = [12, 1, 11, 2, 10, 3, 9, 4, 8, 5, 7, 6];
    expect(medianInterval(twelve)).toEqual([3, 10]);
  });

  it('summarizes each side by its median and the change within each round', () => {
    const runs = [
      run(1, 'A', report(engine('Baton', 100, 10), engine('DBOS', 50))),
      run(1, 'B', report(engine('Baton', 110, 9), engine('DBOS', 50))),
      run(2, 'B', report(engine('Baton', 60, 15), engine('DBOS', 30))),
      run(2, 'A', report(engine('Baton', 80, 12), engine('DBOS', 40))),
      run(3, 'A', report(engine('Baton', 90, 11), engine('DBOS', 45))),
      run(3, 'B', null), // a failed run: its round has no change, the rest still counts
    ];
    const byLabel = Object.fromEntries(summarize(runs).map((s) => [s.label, s]));

    const throughput = byLabel['Baton processes/s'];
    expect(throughput.a).toBe(90);
    expect(throughput.b).toBe(85);
    expect(throughput.changes.map((c) => Number(c.toFixed(4)))).toEqual([0.1, -0.25]);
    expect(throughput.medianChange).toBeCloseTo(-0.075);

    expect(byLabel['server CPU ms/process'].a).toBeCloseTo(11);
    expect(byLabel['server CPU ms/process'].changes[0]).toBeCloseTo(-0.1);
    // The ratio to a peer in the same run: 100/50 → 110/50, and 80/40 → 60/30.
    expect(byLabel['Baton ÷ DBOS'].changes.map((c) => Number(c.toFixed(4)))).toEqual([0.1, 0]);
    // Peers not measured in any run are left out rather than shown as zero.
    expect(byLabel['Baton ÷ Restate']).toBeUndefined();
  });

  it('writes the summary and every run, failures named', () => {
    const failed = { ...run(1, 'B', null), error: 'exited 1: a | b\nc' };
    const markdown = markdownComparison(
      { A: 'abc123', B: 'this checkout (def456)' },
      [{ ...run(1, 'A', report(engine('Baton', 100))), startedAt: '2026-12-08T03:00:00Z' }, failed],
      '1 round',
    );
    expect(markdown).toContain('runs started 2026-12-08T03:00:00Z to ?');
    expect(markdown).toContain('- **A**: abc123');
    // Its reason kept to one table cell.
    expect(markdown).toContain('| 1 | B (failed: exited 1: a   b c) | 1.00 | – |');
    // One side without figures: no summary row can be made, and none is invented.
    expect(markdown).not.toContain('| Baton processes/s | 100.0 |');
  });

  it('reads its settings and refuses what it cannot use', () => {
    expect(compareSettings({ BENCH_COMPARE_BASE: 'abc123' })).toEqual({
      base: 'abc123',
      aEnv: {},
      bEnv: {},
      rounds: 4,
    });
    expect(
      compareSettings({ BENCH_COMPARE_B_ENV: 'BENCH_TRACING=on X=a=b', BENCH_COMPARE_ROUNDS: '5' }),
    ).toEqual({ base: undefined, aEnv: {}, bEnv: { BENCH_TRACING: 'on', X: 'a=b' }, rounds: 5 });
    expect(() => compareSettings({})).toThrow(/nothing to compare/);
    expect(() => compareSettings({ BENCH_COMPARE_BASE: 'x', BENCH_COMPARE_ROUNDS: '0' })).toThrow(
      /BENCH_COMPARE_ROUNDS must be a positive integer/,
    );
    expect(() => parseEnvPairs('BENCH_COMPARE_A_ENV', 'on')).toThrow(
      'BENCH_COMPARE_A_ENV: "on" is not NAME=value',
    );
  });
});
