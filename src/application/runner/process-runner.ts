/**
 * Drives processes from the event store's subscription, never from in-process notifications:
 * every appended event wakes the runner for its process, if this instance holds the process's
 * partition (WorkOwnership). Each held partition has its own DriveScheduler and durable
 * checkpoint, so a partition handed over (rebalance, a dead instance) resumes exactly where its
 * previous owner's finished work ends. Timers (retry backoff, callback deadlines) are fired from
 * the store's durable timers for the held partitions.
 */
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { processIdOfStream } from '../../domain/process/events';
import { partitionOf } from '../ownership/partitions';
import { withFence } from '../ownership/write-fence';
import { CHECKPOINT_STORE, CheckpointStore } from '../ports/checkpoint-store';
import { EVENT_STORE, EventStore, RecordedEvent, Subscription } from '../ports/event-store';
import { StoreUnavailableError } from '../ports/store-errors';
import {
  DEFAULT_MAX_DRIVE_FAILURES,
  DEFAULT_SHUTDOWN_GRACE_MS,
  RUNTIME_CONFIG,
  RuntimeConfig,
} from '../ports/runtime-config';
import { WORK_OWNERSHIP, WorkOwnership } from '../ports/work-ownership';
import { ProcessRepository } from '../process/process-repository';
import { DriveScheduler } from './drive-scheduler';
import { ProcessDriver, WorkflowNotDeployedError } from './process-driver';
import { LEGACY_RUNNER_CHECKPOINT, PartitionCheckpoints } from './partition-checkpoints';
import { ProcessParker } from './process-parker';
import { RuntimeEvents } from '../runtime-events';
import { StepContextFactory } from './step-context';
import { TimerSweep } from './timer-sweep';

/** The runner's checkpoint before partitions; each partition starts from it (see partition-checkpoints). */
export const RUNNER_CHECKPOINT = LEGACY_RUNNER_CHECKPOINT;

@Injectable()
export class ProcessRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProcessRunner.name);
  private readonly schedulers = new Map<number, DriveScheduler>();
  private readonly checkpoints: PartitionCheckpoints;
  private subscription?: Subscription;
  /** Last position the subscription handed over. */
  private delivered = 0;
  /** Acquiring and releasing take turns. */
  private changes: Promise<void> = Promise.resolve();
  private stopping = false;
  /** The start-up round is over: partitions acquired from now on are taken over. */
  private startedUp = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_STORE) checkpointStore: CheckpointStore,
    @Inject(WORK_OWNERSHIP) private readonly ownership: WorkOwnership,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    private readonly driver: ProcessDriver,
    private readonly repository: ProcessRepository,
    private readonly parker: ProcessParker,
    private readonly timers: TimerSweep,
    private readonly events: RuntimeEvents,
    private readonly contexts: StepContextFactory,
  ) {
    this.checkpoints = new PartitionCheckpoints(checkpointStore, (p) => ownership.holds(p));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ownership.start({
      acquired: (partitions) => this.inTurn(() => this.acquire(partitions)),
      releasing: (partitions) => this.inTurn(() => this.release(partitions)),
      lost: (partitions) => this.lose(partitions),
    });
    this.startedUp = true;
    this.timers.start(() => [...this.schedulers.keys()]);
  }

  /**
   * Stop taking work, let the drives in flight finish (each step is bounded by its deadline),
   * save checkpoints and hand every partition back, so another instance takes over at once.
   */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const grace = setTimeout(() => {
      this.logger.warn('shutdown grace period over: abandoning the steps still running');
      this.contexts.abandonAll();
    }, this.config.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
    await this.timers.stop();
    await this.ownership.stop();
    clearTimeout(grace);
    await this.inTurn(async () => {
      await this.subscription?.close();
      this.subscription = undefined;
    });
  }

  /** Partitions held by this instance, for tests and diagnostics. */
  heldPartitions(): number[] {
    return [...this.schedulers.keys()].sort((a, b) => a - b);
  }

  private inTurn(work: () => Promise<void>): Promise<void> {
    const next = this.changes.then(work);
    this.changes = next.catch(() => undefined);
    return next;
  }

  private async acquire(partitions: number[]): Promise<void> {
    if (this.stopping) return;
    const started = Date.now();
    const starts = await Promise.all(partitions.map((p) => this.checkpoints.load(p)));
    // The subscription is re-opened from the earliest new checkpoint, so no event of a new
    // partition is missed; the partitions already held skip what they have seen.
    await this.subscription?.close();
    partitions.forEach((partition, i) => {
      this.schedulers.set(partition, this.newScheduler(partition, starts[i]));
    });
    const from = Math.min(this.subscription ? this.delivered : Infinity, ...starts);
    this.delivered = from;
    this.subscription = this.store.subscribeAll(from, (events) => this.deliver(events));
    this.events.emit({
      type: 'partitions-acquired',
      partitions,
      ms: Date.now() - started,
      takeover: this.startedUp,
    });
  }

  private async release(partitions: number[]): Promise<void> {
    const closing = partitions.map((partition) => {
      const scheduler = this.schedulers.get(partition);
      this.schedulers.delete(partition);
      return scheduler?.close();
    });
    await Promise.all(closing);
    await this.checkpoints.flush(); // before the locks go: the next owner starts from here
  }

  /** Another instance may already hold them: stop, without saving anything. */
  private lose(partitions: number[]): void {
    for (const partition of partitions) {
      void this.schedulers.get(partition)?.close({ save: false });
      this.schedulers.delete(partition);
    }
    this.events.emit({ type: 'partitions-lost', partitions, ms: 0 });
  }

  /**
   * Everything the scheduler writes (its drives' appends, its parkings, its checkpoint) names
   * the epoch the partition was acquired at, so none of it lands once another owner has it.
   */
  private newScheduler(partition: number, after: number): DriveScheduler {
    const fence = this.ownership.fenceOf(partition);
    return new DriveScheduler({
      after,
      checkpointEveryMs: 50,
      drive: (processId, cause) => withFence(fence, () => this.driver.drive(processId, cause)),
      saveCheckpoint: (position) => this.checkpoints.save(partition, position, fence),
      isOutage: (error) => error instanceof StoreUnavailableError,
      isPermanent: (error) => error instanceof WorkflowNotDeployedError,
      maxFailures: this.config.maxDriveFailures ?? DEFAULT_MAX_DRIVE_FAILURES,
      park: (processId, error, attempts) =>
        withFence(fence, () => this.parker.park(processId, error, attempts)),
    });
  }

  private async deliver(events: RecordedEvent[]): Promise<void> {
    const byPartition = new Map<DriveScheduler, RecordedEvent[]>();
    const byProcess = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      const processId = processIdOfStream(event.streamId);
      if (processId === null) continue;
      const scheduler = this.schedulers.get(partitionOf(processId, this.ownership.partitionCount));
      if (!scheduler) continue;
      const batch = byPartition.get(scheduler);
      if (batch) batch.push(event);
      else byPartition.set(scheduler, [event]);
      const stream = byProcess.get(processId);
      if (stream) stream.push(event);
      else byProcess.set(processId, [event]);
    }
    // The drives these events cause start from the events themselves, not from a read of them.
    for (const [processId, stream] of byProcess) this.repository.learn(processId, stream);
    this.repository.observe(events); // folds behind what the store has are dropped
    await Promise.all([...byPartition].map(([scheduler, batch]) => scheduler.accept(batch)));
    const last = events[events.length - 1].position;
    for (const scheduler of this.schedulers.values()) scheduler.skipTo(last);
    this.delivered = Math.max(this.delivered, last);
  }
}
