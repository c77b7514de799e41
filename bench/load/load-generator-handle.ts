import { ChildProcess, fork } from 'node:child_process';
import { benchScript } from '../lib/repo';
import { stopChild } from '../lib/child-processes';
import { EngineKind } from './engine-clients';
import type {
  LoadGeneratorConfig,
  LoadGeneratorMessage,
  RunCommand,
  RunSummary,
} from './load-generator.main';

/** The bench's side of the load generator process: start it, run workloads, stop it. */
export class LoadGenerator {
  private constructor(private readonly child: ChildProcess) {}

  get pid(): number {
    return this.child.pid ?? 0;
  }

  static async start(engine: EngineKind, baseUrl: string, lsoPort: number): Promise<LoadGenerator> {
    const config: LoadGeneratorConfig = { engine, baseUrl, lsoPort };
    const child = fork(benchScript('load/load-generator.main.ts'), [], {
      env: { ...process.env, BENCH_LOAD_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', (m: LoadGeneratorMessage) =>
        m.type === 'ready' ? resolve() : reject(new Error(`load generator: ${JSON.stringify(m)}`)),
      );
      child.once('exit', (code) => reject(new Error(`load generator exited (${code})`)));
    });
    return new LoadGenerator(child);
  }

  run(command: Omit<RunCommand, 'type'>, onProgress: (done: number) => void): Promise<RunSummary> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: LoadGeneratorMessage): void => {
        if (m.type === 'progress') return onProgress(m.done);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        if (m.type === 'summary') resolve(m.summary);
        else reject(new Error(`load generator: ${m.type === 'error' ? m.message : m.type}`));
      };
      const onExit = (code: number | null): void =>
        reject(new Error(`load generator exited (${code})`));
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send({ type: 'run', ...command });
    });
  }

  history(ids: string[]): Promise<number | null> {
    return new Promise((resolve, reject) => {
      this.child.once('message', (m: LoadGeneratorMessage) =>
        m.type === 'history' ? resolve(m.records) : reject(new Error(JSON.stringify(m))),
      );
      this.child.send({ type: 'history', ids });
    });
  }

  async stop(): Promise<void> {
    if (this.child.connected) this.child.disconnect();
    await stopChild(this.child, 3_000);
  }
}
