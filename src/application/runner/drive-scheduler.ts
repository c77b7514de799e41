/**
 * Lets the runner advance many processes at once without ever checkpointing past unfinished
 * work. Each delivered event schedules a drive of its process (coalesced while one is queued);
 * the durable checkpoint is the position just before the oldest event whose drive has not yet
 * finished. A slow step thus holds back only the checkpoint, not other processes, and after a
 * crash every unfinished drive is delivered again.
 */
import { Logger } from '@nestjs/common';
import { processIdOfStream } from '../../domain/process/events';
import { RecordedEvent } from '../ports/event-store';

/** The event a drive answers: the drive must see the process at least at this revision. */
export interface DriveCause {
  eventId: string;
  revision: number;
}

export interface DriveSchedulerOptions {
  drive(processId: string, cause: DriveCause): Promise<void>;
  saveCheckpoint(position: number): Promise<void>;
  /**
   * Fewest milliseconds between two checkpoint saves. Saving less often only means a restart
   * redelivers a few more events, which drives treat as no-ops.
   */
  checkpointEveryMs?: number;
  /** Events whose drive is queued or running before `accept` waits (back-pressure). */
  maxPending?: number;
  retryDelayMs?: (attempt: number) => number;
  /** Position already handled (the checkpoint loaded): events at or before it are skipped. */
  after?: number;
  /**
   * Drive attempts that fail with anything but an outage before the process is given up on
   * (`park`), so one bad process never pins the checkpoint.
   */
  maxFailures?: number;
  /** Records that the process is parked; resolves once recorded (or throws to try again). */
  park?(processId: string, error: Error, attempts: number): Promise<void>;
  /** Tells outages (retried without limit) from failures (counted towards parking). */
  isOutage?(error: unknown): boolean;
  /** Failures no number of attempts can cure: the process is parked at the first one. */
  isPermanent?(error: unknown): boolean;
}

export class DriveScheduler {
  private readonly logger = new Logger(DriveScheduler.name);
  /** Positions delivered whose drive has not finished. */
  private readonly pending = new Set<number>();
  /** Drives scheduled but not yet started, per process: later events join them. */
  private readonly queued = new Map<string, QueuedDrive>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();
  private delivered = 0;
  private saved = 0;
  private saving: Promise<void> = Promise.resolve();
  private lastSaveAt = 0;
  private saveTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private wakeAccept?: () => void;

  constructor(private readonly options: DriveSchedulerOptions) {
    this.delivered = options.after ?? 0;
    this.saved = this.delivered;
  }

  /** Events up to `position` were delivered and none of them is for this scheduler. */
  skipTo(position: number): void {
    if (position <= this.delivered || this.closed) return;
    this.delivered = position;
    this.advance();
  }

  /** Drives queued or running. */
  get busy(): number {
    return this.running.size;
  }

  /** Called with each batch from the subscription, in order; returns once it is scheduled. */
  async accept(events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.position <= this.delivered) continue; // a redelivery after a resubscription
      while (this.pending.size >= (this.options.maxPending ?? 1000) && !this.closed) {
        await new Promise<void>((resolve) => (this.wakeAccept = resolve));
      }
      this.delivered = event.position;
      const processId = processIdOfStream(event.streamId);
      if (processId === null) continue;
      this.pending.add(event.position);
      const queued = this.queued.get(processId);
      if (queued) {
        // The queued drive will load the state this event made.
        queued.positions.push(event.position);
        queued.cause.revision = Math.max(queued.cause.revision, event.revision);
        continue;
      }
      const drive: QueuedDrive = {
        positions: [event.position],
        cause: { eventId: event.eventId, revision: event.revision },
      };
      this.queued.set(processId, drive);
      // One chain per process: a drive starts only after the previous one of its process ended.
      const previous = this.chains.get(processId) ?? Promise.resolve();
      const run = previous.then(() => this.run(processId, drive));
      this.chains.set(processId, run);
      this.running.add(run);
      void run.finally(() => {
        this.running.delete(run);
        if (this.chains.get(processId) === run) this.chains.delete(processId);
      });
    }
    this.advance();
  }

  /**
   * Stops retrying and waits for drives in flight; unfinished work is redelivered next start.
   * `save: false` when the partition was taken away: another instance may own it now, so this
   * one must not write its position (the store would refuse it anyway; see write-fence.ts).
   */
  async close({ save = true }: { save?: boolean } = {}): Promise<void> {
    this.closed = true;
    this.wakeAccept?.();
    clearTimeout(this.saveTimer);
    await Promise.allSettled([...this.running]);
    clearTimeout(this.saveTimer);
    if (save) this.save(); // what finished before closing need not be redelivered
    await this.saving;
  }

  private async run(processId: string, drive: QueuedDrive): Promise<void> {
    // From here on the drive loads the latest state, which includes every event queued so far;
    // events delivered after this point schedule a drive of their own.
    if (this.queued.get(processId) === drive) this.queued.delete(processId);
    const { cause, positions } = drive;
    let failures = 0;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) return;
      try {
        await this.options.drive(processId, cause);
        break;
      } catch (error) {
        const outage = this.options.isOutage?.(error) ?? true;
        if (!outage) failures += 1;
        const message = (error as Error).message;
        const givingUp =
          failures >= (this.options.maxFailures ?? 5) || this.options.isPermanent?.(error) === true;
        if (!outage && givingUp && this.options.park) {
          if (await this.tryPark(processId, error as Error, failures)) break;
        } else if (outage) {
          // The store hiccuped mid-step: drive again; the checkpoint waits for it.
          this.logger.warn(`process ${processId}: ${message}; retrying (attempt ${attempt})`);
        } else {
          this.logger.error(`process ${processId}: drive failed (${failures}): ${message}`);
        }
        await new Promise((r) => setTimeout(r, this.retryDelay(attempt)));
      }
    }
    for (const position of positions) this.pending.delete(position);
    this.wakeAccept?.();
    this.advance();
  }

  private async tryPark(processId: string, error: Error, failures: number): Promise<boolean> {
    try {
      await this.options.park!(processId, error, failures);
      this.logger.error(
        `process ${processId}: parked after ${failures} failed drives: ${error.message}`,
      );
      return true;
    } catch (parkError) {
      this.logger.error(`process ${processId}: could not park: ${(parkError as Error).message}`);
      return false;
    }
  }

  private retryDelay(attempt: number): number {
    return this.options.retryDelayMs?.(attempt) ?? Math.min(100 * 2 ** (attempt - 1), 5_000);
  }

  /** Schedules a save of the safe position, at most one per `checkpointEveryMs`. */
  private advance(): void {
    if (this.saveTimer !== undefined || this.closed) return;
    const wait = this.lastSaveAt + (this.options.checkpointEveryMs ?? 200) - Date.now();
    if (wait <= 0) return this.save();
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, wait);
    this.saveTimer.unref();
  }

  /** Saves the highest position below which every drive has finished, in order, at most once. */
  private save(): void {
    // Positions are not consecutive: "just before the oldest pending" is that position minus one,
    // which no event can occupy once the oldest pending event has been delivered after it.
    const safe = this.pending.size === 0 ? this.delivered : this.oldestPending() - 1;
    if (safe <= this.saved) return;
    this.saved = safe;
    this.lastSaveAt = Date.now();
    this.saving = this.saving
      .then(() => this.options.saveCheckpoint(safe))
      .catch((error: Error) =>
        this.logger.warn(`could not save the runner checkpoint: ${error.message}`),
      );
  }

  private oldestPending(): number {
    let oldest = Infinity;
    for (const position of this.pending) if (position < oldest) oldest = position;
    return oldest;
  }
}

interface QueuedDrive {
  positions: number[];
  cause: DriveCause;
}
