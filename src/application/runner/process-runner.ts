/**
 * Drives processes from the event store's subscription, never from in-process notifications:
 * every appended event wakes the runner for its process, and the checkpoint only moves once the
 * work an event triggered is recorded. A restart replays from the checkpoint and so resumes
 * every process a crash interrupted. Timers (retry backoff, callback deadlines) are polled from
 * the summary read model, which is itself derived from the store.
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
import { EVENT_STORE, EventStore, RecordedEvent, Subscription } from '../ports/event-store';
import { PROCESS_SUMMARY_STORE, ProcessSummaryStore } from '../ports/process-summaries';
import { RUNTIME_CONFIG, RuntimeConfig } from '../ports/runtime-config';
import {
  lastEventPerProcess,
  startCheckpointedSubscription,
} from '../subscriptions/checkpointed-subscription';
import { ProcessDriver } from './process-driver';

export const RUNNER_CHECKPOINT = 'runner';

@Injectable()
export class ProcessRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProcessRunner.name);
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
  private timerRunning = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
    @Inject(PROCESS_SUMMARY_STORE) private readonly summaries: ProcessSummaryStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    private readonly driver: ProcessDriver,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await startCheckpointedSubscription(
      this.store,
      this.checkpoints,
      RUNNER_CHECKPOINT,
      (events) => this.handle(events),
    );
    this.timer = setInterval(() => void this.fireDueTimers(), this.config.timerPollMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.subscription?.close();
  }

  /** Processes of one batch advance concurrently; the batch is done when all have. */
  private async handle(events: RecordedEvent[]): Promise<void> {
    const work = [...lastEventPerProcess(events)].map(([processId, event]) =>
      this.driver.drive(processId, event.eventId),
    );
    const failures = (await Promise.allSettled(work)).filter(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    if (failures.length > 0) {
      // Rethrowing makes the subscription deliver the batch again after a back-off: nothing is
      // skipped because the store hiccuped mid-step.
      throw failures[0].reason;
    }
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
