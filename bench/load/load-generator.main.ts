/**
 * The load generator: a separate process from every server, driven by the bench over IPC.
 * It hosts the fake remote (LSO) too, so that callback timings and poll timings share a clock.
 */
import { spread } from '../lib/stats';
import { engineClient, EngineKind } from './engine-clients';
import { FakeLso } from './fake-lso';
import { callbackLatencies, runWorkload } from './workload';

export interface LoadGeneratorConfig {
  engine: EngineKind;
  baseUrl: string;
  lsoPort: number;
}

export interface RunCommand {
  type: 'run';
  label: string;
  count: number;
  clients: number;
  pollMs: number;
}

/** Sums the history lengths of processes run earlier, outside any timed window. */
export interface HistoryCommand {
  type: 'history';
  ids: string[];
}

export interface RunSummary {
  label: string;
  completed: number;
  errors: string[];
  wallMs: number;
  endToEndMs: ReturnType<typeof spread>;
  callbackPostMs: ReturnType<typeof spread>;
  callbackToSuspendedMs: ReturnType<typeof spread>;
  ids: string[];
  pollsPerProcess: number;
  /** Callbacks refused as early (409) and sent again, per process. */
  callbackRetriesPerProcess: number;
  /** Callbacks answered 5xx and sent again, per process. */
  callbackServerErrorsPerProcess: number;
}

export type LoadGeneratorMessage =
  | { type: 'ready' }
  | { type: 'progress'; label: string; done: number; count: number }
  | { type: 'summary'; summary: RunSummary }
  | { type: 'history'; records: number | null }
  | { type: 'error'; message: string };

const send = (message: LoadGeneratorMessage): void => void process.send?.(message);

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_LOAD_CONFIG ?? '') as LoadGeneratorConfig;
  const lso = new FakeLso();
  await lso.listen(config.lsoPort);
  const engine = engineClient(config.engine, config.baseUrl);
  process.on('message', (command: RunCommand | HistoryCommand) => {
    const work: Promise<LoadGeneratorMessage> =
      command.type === 'run'
        ? run(command).then((summary) => ({ type: 'summary', summary }))
        : historyRecords(command.ids).then((records) => ({ type: 'history', records }));
    work.then(send, (error: Error) =>
      send({ type: 'error', message: error.stack ?? error.message }),
    );
  });
  process.on('disconnect', () => void lso.close().then(() => process.exit(0)));
  send({ type: 'ready' });

  async function run(command: RunCommand): Promise<RunSummary> {
    lso.callbacks.clear();
    lso.failures.length = 0;
    lso.callbackRetries = 0;
    lso.callbackServerErrors = 0;
    let lastReport = 0;
    const result = await runWorkload(engine, {
      count: command.count,
      clients: command.clients,
      pollMs: command.pollMs,
      stuckAfterMs: 60_000,
      onProgress: (done) => {
        if (done === command.count || done - lastReport >= Math.max(1, command.count / 10)) {
          lastReport = done;
          send({ type: 'progress', label: command.label, done, count: command.count });
        }
      },
    });
    const latencies = callbackLatencies(result, lso);
    return {
      label: command.label,
      completed: result.processes.length,
      errors: [...result.errors, ...lso.failures].slice(0, 20),
      wallMs: result.wallMs,
      endToEndMs: spread(latencies.endToEndMs),
      callbackPostMs: spread(latencies.callbackPostMs),
      callbackToSuspendedMs: spread(latencies.callbackToSuspendedMs),
      ids: result.processes.map((p) => p.id),
      callbackRetriesPerProcess: lso.callbackRetries / Math.max(1, result.processes.length),
      callbackServerErrorsPerProcess:
        lso.callbackServerErrors / Math.max(1, result.processes.length),
      pollsPerProcess:
        result.processes.reduce((sum, p) => sum + p.polls, 0) /
        Math.max(1, result.processes.length),
    };
  }

  async function historyRecords(ids: string[]): Promise<number | null> {
    let total = 0;
    for (const id of ids) {
      const length = await engine.historyLength(id);
      if (length === undefined) return null;
      total += length;
    }
    return total;
  }
}

main().catch((error: Error) => {
  send({ type: 'error', message: error.stack ?? error.message });
  process.exit(1);
});
