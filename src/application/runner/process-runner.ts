/**
 * Drives processes from the event store's subscription, never from in-process notifications:
 * every appended event wakes the runner for its process. Processes advance concurrently (see
 * DriveScheduler) and the durable checkpoint never passes an event whose work is unfinished, so
 * a restart replays from it and resumes every process a crash interrupted. Timers (retry
 * backoff, callback deadlines) are polled from the summary read model, itself derived from the
 * store.
 */
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { CHECKPOINT_STORE, CheckpointStore } from '../ports/checkpoint-store';
import { CLOCK, Clock } from '../ports/clock';
import { EVENT_STORE, EventStore, Subscription } from '../ports/event-store';
import { PROCESS_SUMMARY_STORE, ProcessSummaryStore } from '../ports/process-summaries';
import { RUNTIME_CONFIG, RuntimeConfig } from '../ports/runtime-config';
import { ProcessRepository } from '../process/process-repository';
import { DriveScheduler } from './drive-scheduler';
import { ProcessDriver } from './process-driver';

export const RUNNER_CHECKPOINT = 'runner';

@Injectable()
export class ProcessRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProcessRunner.name);
  private subscription?: Subscription;
  private scheduler?: DriveScheduler;
  private timer?: NodeJS.Timeout;
  private timerRunning = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
    @Inject(PROCESS_SUMMARY_STORE) private readonly summaries: ProcessSummaryStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    private readonly driver: ProcessDriver,
    private readonly repository: ProcessRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const from = await this.checkpoints.load(RUNNER_CHECKPOINT);
    this.logger.log(`following events after position ${from}`);
    this.scheduler = new DriveScheduler({
      drive: (processId, cause) => this.driver.drive(processId, cause),
      saveCheckpoint: (position) => this.checkpoints.save(RUNNER_CHECKPOINT, position),
    });
    const scheduler = this.scheduler;
    this.subscription = this.store.subscribeAll(from, (events) => {
      this.repository.observe(events); // folds behind what the store has are dropped
      return scheduler.accept(events);
    });
    this.timer = setInterval(() => void this.fireDueTimers(), this.config.timerPollMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const closing = this.scheduler?.close();
    await this.subscription?.close();
    await closing;
  }

  async fireDueTimers(): Promise<void> {
    if (this.timerRunning) return;
    this.timerRunning = true;
    try {
      const due = await this.summaries.due(this.clock.now(), 100);
      await Promise.all(due.map((processId) => this.driver.wake(processId)));
    } catch (error) {
      this.logger.warn(`timer sweep failed, will try again: ${(error as Error).message}`);
    } finally {
      this.timerRunning = false;
    }
  }
}
