import { EngineLauncher } from '../engines/launchers';
import { LoadGenerator } from '../load/load-generator-handle';
import { freePort } from '../lib/ports';
import { BenchPostgres } from '../lib/postgres-server';
import { cpuSeconds, mainThreadCpuSeconds, memoryMiB } from '../lib/process-stats';
import { Spread } from '../lib/stats';
import {
  resetStatementStats,
  statementCount,
  StatementStat,
  statementStatsEnabled,
  topStatements,
} from '../lib/statement-stats';

export interface BenchSettings {
  processes: number;
  warmup: number;
  clients: number;
  pollMs: number;
}

export interface EngineResult {
  engine: string;
  completed: number;
  errors: string[];
  wallSeconds: number;
  processesPerSecond: number;
  endToEndMs: Spread;
  callbackPostMs: Spread;
  callbackToSuspendedMs: Spread;
  /** Durable history records per process (Baton: events; DBOS: recorded steps), null if unknown. */
  historyRecordsPerProcess: number | null;
  historyRecordsPerSecond: number | null;
  /** Status polls per process: slower engines get polled more, which adds to their SQL count. */
  pollsPerProcess: number;
  /** Callback POSTs refused as early (409) and repeated by the fake runner, per process. */
  callbackRetriesPerProcess: number;
  /** Callback POSTs answered 5xx and repeated by the fake runner, per process. */
  callbackServerErrorsPerProcess: number;
  /** Q + E protocol messages per process, null for an engine without PostgreSQL. */
  sqlStatementsPerProcess: number | null;
  serverCpuSecondsPerProcess: number;
  /** null for an engine that does not use PostgreSQL. */
  postgresCpuSecondsPerProcess: number | null;
  serverRssEndMiB: number;
  serverRssPeakMiB: number;
  /** The load generator's own CPU: if it nears a core, the figures measure it, not the server. */
  loadGeneratorCpuSecondsPerProcess: number;
  /** With BENCH_PG_STATEMENTS=1: where the engine's PostgreSQL time went. */
  topStatements?: StatementStat[];
}

const log = (message: string): void => void process.stderr.write(`${message}\n`);

/**
 * One engine, start to stop: launch, warm up (not counted), run the measured workload while
 * CPU, SQL and memory are read around it, then count histories outside the timed window.
 */
export async function measureEngine(
  launcher: EngineLauncher,
  pg: BenchPostgres,
  settings: BenchSettings,
): Promise<EngineResult> {
  const lsoPort = await freePort();
  log(`[${launcher.name}] starting`);
  const engine = await launcher.start(pg, `http://127.0.0.1:${lsoPort}`);
  let load: LoadGenerator | undefined;
  try {
    load = await LoadGenerator.start(launcher.kind, engine.baseUrl, lsoPort);
    const progress = (label: string, count: number) => (done: number) =>
      log(`[${launcher.name}] ${label} ${done}/${count}`);
    const common = { clients: settings.clients, pollMs: settings.pollMs };
    const warm = await load.run(
      { label: 'warm-up', count: settings.warmup, ...common },
      progress('warm-up', settings.warmup),
    );
    if (warm.errors.length > 0) throw new Error(`warm-up failed: ${warm.errors.join('; ')}`);
    // The report's rows count the measured run; repeats the warm-up needed are said here.
    const repeated = Math.round(warm.callbackServerErrorsPerProcess * warm.completed);
    if (repeated > 0)
      log(`[${launcher.name}] warm-up: ${repeated} callback(s) answered 5xx and sent again`);

    const adminUrl = pg.url('postgres');
    if (statementStatsEnabled() && engine.database) await resetStatementStats(adminUrl);
    const loadCpuBefore = cpuSeconds([load.pid]);
    const cpuBefore = cpuSeconds(engine.serverPids);
    const mainBefore = mainThreadCpuSeconds(engine.serverPids[0]);
    const pgCpuBefore = cpuSeconds([pg.pid]);
    const countSql = () =>
      engine.database ? statementCount(adminUrl, engine.database) : Promise.resolve(0);
    const sqlBefore = await countSql();
    let peakSampled = 0;
    const sampler = setInterval(() => {
      peakSampled = Math.max(peakSampled, memoryMiB(engine.serverPids).rss);
    }, 250);
    const run = await load
      .run(
        { label: 'measured', count: settings.processes, ...common },
        progress('measured', settings.processes),
      )
      .finally(() => clearInterval(sampler));
    const serverCpu = cpuSeconds(engine.serverPids) - cpuBefore;
    const mainCpu = mainThreadCpuSeconds(engine.serverPids[0]) - mainBefore;
    const pgCpu = cpuSeconds([pg.pid]) - pgCpuBefore;
    const sql = (await countSql()) - sqlBefore;
    const memory = memoryMiB(engine.serverPids);
    const loadCpu = cpuSeconds([load.pid]) - loadCpuBefore;
    const statements =
      statementStatsEnabled() && engine.database
        ? await topStatements(
            adminUrl,
            engine.database,
            Number(process.env.BENCH_PG_STATEMENTS_TOP ?? 8),
          )
        : undefined;

    const records = await load.history(run.ids);
    const n = Math.max(1, run.completed);
    // Where the server's CPU ran: a CPU profile (BENCH_CPU_PROF) sees the main thread only.
    process.stderr.write(
      `[${launcher.name}] server CPU ms/process: main thread ${((1000 * mainCpu) / n).toFixed(1)}, ` +
        `other threads and processes ${((1000 * (serverCpu - mainCpu)) / n).toFixed(1)}\n`,
    );
    const wallSeconds = run.wallMs / 1000;
    return {
      engine: launcher.name,
      completed: run.completed,
      errors: run.errors,
      wallSeconds,
      processesPerSecond: run.completed / wallSeconds,
      endToEndMs: run.endToEndMs,
      callbackPostMs: run.callbackPostMs,
      callbackToSuspendedMs: run.callbackToSuspendedMs,
      historyRecordsPerProcess: records === null ? null : records / n,
      historyRecordsPerSecond: records === null ? null : records / wallSeconds,
      pollsPerProcess: run.pollsPerProcess,
      callbackRetriesPerProcess: run.callbackRetriesPerProcess,
      callbackServerErrorsPerProcess: run.callbackServerErrorsPerProcess,
      sqlStatementsPerProcess: engine.database ? sql / n : null,
      serverCpuSecondsPerProcess: serverCpu / n,
      postgresCpuSecondsPerProcess: engine.database ? pgCpu / n : null,
      serverRssEndMiB: memory.rss,
      // VmHWM covers start-up too; the sampled maximum only the measured run.
      serverRssPeakMiB: Math.max(peakSampled, memory.rss),
      loadGeneratorCpuSecondsPerProcess: loadCpu / n,
      topStatements: statements,
    };
  } finally {
    await load?.stop();
    await engine.stop();
    log(`[${launcher.name}] stopped`);
  }
}
