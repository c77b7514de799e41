/**
 * The supervisor's workers (node:cluster): forked, watched, replaced when they die, stopped in
 * order. A worker counts as started when it says it listens; one that dies before that, or soon
 * after, is a failure, and a slot that keeps failing makes the fleet give up (the supervisor then
 * exits non-zero: a worker crashing at every start is a fault no restart fixes, and a process
 * manager above should see it).
 */
import { Logger } from '@nestjs/common';
import cluster, { Worker } from 'node:cluster';
import { FromWorker, isOurs } from './protocol';

export interface RestartPolicy {
  /** Wait before the first replacement; doubles with each failure in a row, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A worker that ran this long before dying was healthy: its slot's failures start over. */
  stableMs: number;
  /** Failures in a row (died at start-up, or soon after) before the fleet gives up. */
  maxFailures: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  firstDelayMs: 250,
  maxDelayMs: 10_000,
  stableMs: 30_000,
  maxFailures: 5,
};

interface Slot {
  index: number;
  worker: Worker | null;
  readyAt: number | null;
  failures: number;
  timer: NodeJS.Timeout | null;
}

const describeExit = (code: number | null, signal: string | null): string =>
  signal ? `killed by ${signal}` : `exit code ${code}`;

export class WorkerFleet {
  private readonly slots: Slot[];
  private stopping = false;
  private giveUp!: (reason: string) => void;
  /** Settles when a slot failed too often in a row, with the reason. */
  readonly gaveUp = new Promise<string>((resolve) => (this.giveUp = resolve));
  replacements = 0;

  constructor(
    count: number,
    private readonly envOf: (index: number) => Record<string, string>,
    private readonly logger: Logger,
    private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY,
  ) {
    this.slots = Array.from({ length: count }, (_, i) => ({
      index: i + 1,
      worker: null,
      readyAt: null,
      failures: 0,
      timer: null,
    }));
  }

  get size(): number {
    return this.slots.length;
  }

  /** Workers that said they listen and are still connected. */
  running(): Worker[] {
    return this.slots
      .filter((s) => s.readyAt !== null && s.worker?.isConnected())
      .map((s) => s.worker as Worker);
  }

  /**
   * The first worker alone (it runs the migrations and writes the key files a first start
   * creates, so no two workers race for them), then the others together. Rejects when any
   * fails to start: at first start that is a configuration or database fault, reported at once.
   */
  async start(): Promise<void> {
    const [first, ...others] = this.slots;
    await this.fork(first);
    await Promise.all(others.map((slot) => this.fork(slot)));
  }

  /** SIGTERM to every worker (each drains and closes), SIGKILL to those still there after graceMs. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const exits: Array<Promise<void>> = [];
    for (const slot of this.slots) {
      if (slot.timer) clearTimeout(slot.timer);
      const worker = slot.worker;
      if (!worker || worker.process.exitCode !== null || worker.process.signalCode !== null)
        continue;
      exits.push(new Promise((resolve) => worker.once('exit', () => resolve())));
      worker.process.kill('SIGTERM');
    }
    const all = Promise.all(exits);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>(
      (resolve) => (timer = setTimeout(() => resolve('late'), graceMs)),
    );
    if ((await Promise.race([all, late])) === 'late') {
      this.logger.warn(`workers still running ${graceMs} ms after SIGTERM: killing them`);
      for (const slot of this.slots) slot.worker?.process.kill('SIGKILL');
      await all;
    }
    clearTimeout(timer);
  }

  /** Resolves when the worker says it listens; rejects when it exits before that. */
  private fork(slot: Slot): Promise<void> {
    const worker = cluster.fork(this.envOf(slot.index));
    slot.worker = worker;
    slot.readyAt = null;
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: unknown) => {
        if (!isOurs<FromWorker>(message) || message.baton !== 'ready') return;
        slot.readyAt = Date.now();
        this.logger.log(`worker ${slot.index} (pid ${worker.process.pid}) listening`);
        resolve();
      });
      worker.once('exit', (code: number | null, signal: string | null) => {
        if (slot.worker === worker) slot.worker = null;
        if (slot.readyAt === null) {
          reject(new Error(`worker ${slot.index} ${describeExit(code, signal)} during start-up`));
          return;
        }
        if (!this.stopping) this.died(slot, worker, describeExit(code, signal));
      });
    });
  }

  private died(slot: Slot, worker: Worker, how: string): void {
    const upMs = Date.now() - (slot.readyAt ?? Date.now());
    slot.readyAt = null;
    slot.failures = upMs >= this.policy.stableMs ? 1 : slot.failures + 1;
    this.logger.error(
      `worker ${slot.index} (pid ${worker.process.pid}) ${how} after ${Math.round(upMs / 1000)} s`,
    );
    this.replaceLater(slot);
  }

  private replaceLater(slot: Slot): void {
    if (slot.failures >= this.policy.maxFailures) {
      this.giveUp(
        `worker ${slot.index} failed ${slot.failures} times in a row (at start-up or within ` +
          `${this.policy.stableMs / 1000} s of it)`,
      );
      return;
    }
    const delay = Math.min(
      this.policy.firstDelayMs * 2 ** Math.max(0, slot.failures - 1),
      this.policy.maxDelayMs,
    );
    this.logger.warn(`replacing worker ${slot.index} in ${delay} ms`);
    slot.timer = setTimeout(() => {
      slot.timer = null;
      if (this.stopping) return;
      this.fork(slot).then(
        () => {
          this.replacements += 1;
        },
        (error: Error) => {
          if (this.stopping) return;
          slot.failures += 1;
          this.logger.error(error.message);
          this.replaceLater(slot);
        },
      );
    }, delay);
  }
}
