/**
 * Fires the durable timers (retry backoff, callback deadlines) of the partitions this instance
 * holds. A timer whose firing fails is snoozed with a growing delay, so it never blocks the
 * ones behind it, and after `maxDriveFailures` failures other than outages its process is
 * parked. A timer that finds nothing due (the process moved on) is settled.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { processIdOfStream } from '../../domain/process/events';
import { partitionOf } from '../ownership/partitions';
import { withFence } from '../ownership/write-fence';
import { CLOCK, Clock } from '../ports/clock';
import { DEFAULT_MAX_DRIVE_FAILURES, RUNTIME_CONFIG, RuntimeConfig } from '../ports/runtime-config';
import { StoreUnavailableError } from '../ports/store-errors';
import { DueTimer, TIMER_STORE, TimerStore } from '../ports/timer-store';
import { WORK_OWNERSHIP, WorkOwnership } from '../ports/work-ownership';
import { RuntimeEvents } from '../runtime-events';
import { ProcessDriver } from './process-driver';
import { ProcessParker } from './process-parker';

/** Timers fired per sweep; the rest wait for the next one. */
const SWEEP_LIMIT = 200;

@Injectable()
export class TimerSweep {
  private readonly logger = new Logger(TimerSweep.name);
  private interval?: NodeJS.Timeout;
  private sweeping: Promise<void> | undefined;
  private held: () => number[] = () => [];

  constructor(
    @Inject(TIMER_STORE) private readonly timers: TimerStore,
    @Inject(WORK_OWNERSHIP) private readonly ownership: WorkOwnership,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    private readonly driver: ProcessDriver,
    private readonly parker: ProcessParker,
    private readonly events: RuntimeEvents,
  ) {}

  start(held: () => number[]): void {
    this.held = held;
    this.interval = setInterval(() => void this.sweep(), this.config.timerPollMs);
    this.interval.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.interval);
    await this.sweeping;
  }

  /** One pass over the due timers; overlapping calls share the pass in flight. */
  sweep(): Promise<void> {
    this.sweeping ??= this.fireDue().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async fireDue(): Promise<void> {
    const partitions = this.held();
    if (partitions.length === 0) return;
    const now = this.clock.now();
    try {
      const due = await this.timers.due(
        now,
        partitions,
        this.ownership.partitionCount,
        SWEEP_LIMIT,
      );
      await Promise.all(due.map((timer) => this.fire(timer, now)));
    } catch (error) {
      this.logger.warn(`timer sweep failed, will try again: ${(error as Error).message}`);
    }
  }

  private async fire(timer: DueTimer, now: Date): Promise<void> {
    const processId = processIdOfStream(timer.streamId);
    if (processId === null) return this.timers.settle(timer);
    try {
      const outcome = await this.driver.wake(processId);
      if (outcome === undefined) return; // no longer ours
      this.events.emit({
        type: 'timer-fired',
        processId,
        lateMs: now.getTime() - Date.parse(timer.dueAt),
      });
      // An append that changed the process moved or cleared the timer itself.
      if (outcome.appended) return;
      if (outcome.wakeAt !== null && outcome.wakeAt > timer.dueAt)
        return this.timers.snooze(timer, new Date(outcome.wakeAt));
      return this.timers.settle(timer);
    } catch (error) {
      const failures = timer.attempts + 1;
      const outage = error instanceof StoreUnavailableError;
      const max = this.config.maxDriveFailures ?? DEFAULT_MAX_DRIVE_FAILURES;
      if (!outage) {
        this.logger.error(
          `process ${processId}: timer failed (${failures}): ${(error as Error).message}`,
        );
      }
      if (!outage && failures >= max) {
        // As the partition's owner: refused by the store if another instance has it by now.
        const partition = partitionOf(processId, this.ownership.partitionCount);
        await withFence(this.ownership.fenceOf(partition), () =>
          this.parker.park(processId, error as Error, failures),
        );
        return this.timers.settle(timer);
      }
      const delay = Math.min(1000 * 2 ** timer.attempts, 60_000);
      await this.timers.snooze(timer, new Date(now.getTime() + delay));
    }
  }
}
