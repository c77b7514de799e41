/**
 * Follows the event store for the projections with one subscription per lane (one read of each
 * batch, however many read models share the lane), from the oldest checkpoint in the lane. Each
 * projection gets the part of a batch it has not applied and writes it with its own checkpoint.
 * A projection can be held (`exclusive`) while an online rebuild swaps its tables.
 *
 * One instance at a time runs the projections (the single-owner role the process list had
 * before): several would only write the same rows N times and race each other's checkpoints.
 * The others serve reads from the same tables.
 */
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { KeyedMutex } from '../keyed-mutex';
import { Fence, withFence } from '../ownership/write-fence';
import { ConflictError } from '../../domain/errors';
import { EVENT_STORE, EventStore, RecordedEvent, Subscription } from '../ports/event-store';
import { StoreUnavailableError } from '../ports/store-errors';
import { ProcessParker } from '../runner/process-parker';
import { processIdOfStream } from '../../domain/process/events';
import { WORK_OWNERSHIP, WorkOwnership } from '../ports/work-ownership';
import { commitTogether } from './apply-together';
import { PROJECTIONS, Projection } from './projection';

/**
 * The role's lock name: the process list's, as before the read models joined it, so an
 * instance of the previous version and one of this version never both write the list.
 */
export const PROJECTION_ROLE = 'projection:process-summaries';

/** Read models trail the store by at most about this much while it is busy. */
const PROJECTION_MIN_INTERVAL_MS = 50;
/** A batch costs one read and one write however big: behind a burst, take bigger ones. */
const PROJECTION_BATCH_SIZE = 2000;
const DEFAULT_LANE = 'read-models';
/** How often `reached` looks at a checkpoint held in memory, and at one read from the store. */
const POLL_MEMORY_MS = 10;
const POLL_STORED_MS = 50;

export interface ProjectionPosition {
  name: string;
  version: number;
  position: number;
}

@Injectable()
export class ProjectionRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProjectionRunner.name);
  private readonly positions = new Map<string, number>();
  private readonly turns = new KeyedMutex();
  private subscriptions: Subscription[] = [];
  /** Whether this instance holds the role and follows the store. */
  private following = false;
  /** The role's epoch while following: every write of the projections names it. */
  private fence: Fence | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) readonly projections: readonly Projection[],
    @Inject(WORK_OWNERSHIP) private readonly ownership: WorkOwnership,
    @Optional() private readonly parker?: Pick<ProcessParker, 'park'>,
  ) {}

  onApplicationBootstrap(): void {
    this.ownership.watchRole(PROJECTION_ROLE, {
      acquired: () => {
        this.fence = this.ownership.roleFence(PROJECTION_ROLE);
        // The subscriptions started here carry the fence into every batch they apply.
        return withFence(this.fence, () => this.follow());
      },
      released: () => this.stop(),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** True while this instance runs the projections (false on the others of a cluster). */
  get running(): boolean {
    return this.following;
  }

  private async follow(): Promise<void> {
    // From the durable checkpoints: another instance may have moved them while it held the role.
    this.positions.clear();
    for (const projection of this.projections) {
      const position = await projection.position();
      // No checkpoint (new projection, new version, interrupted rebuild): start from nothing.
      if (position === 0) await projection.reset();
      this.positions.set(projection.name, position);
    }
    const lanes = new Map<string, Projection[]>();
    for (const projection of this.projections) {
      const lane = projection.lane ?? DEFAULT_LANE;
      lanes.set(lane, [...(lanes.get(lane) ?? []), projection]);
    }
    for (const [lane, members] of lanes) {
      const from = Math.min(...members.map((p) => this.positions.get(p.name) ?? 0));
      this.logger.log(`${lane} follows events after position ${from}`);
      // Read models may lag a little; batching their writes costs the write path far less.
      this.subscriptions.push(
        this.store.subscribeAll(from, (events) => this.applyAll(members, events), {
          minIntervalMs: PROJECTION_MIN_INTERVAL_MS,
          batchSize: PROJECTION_BATCH_SIZE,
        }),
      );
    }
    this.following = true;
  }

  private async stop(): Promise<void> {
    this.following = false;
    this.fence = undefined;
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(subscriptions.map((s) => s.close()));
  }

  /** Runs `work` as the role's owner (a rebuild's swap is refused once another has the role). */
  asOwner<T>(work: () => Promise<T>): Promise<T> {
    return withFence(this.fence, work);
  }

  get(name: string): Projection | undefined {
    return this.projections.find((p) => p.name === name);
  }

  /**
   * Where each projection stands: its checkpoint as last written by this instance, or, on an
   * instance that does not run them, as stored.
   */
  async where(): Promise<ProjectionPosition[]> {
    return Promise.all(
      this.projections.map(async (p) => ({
        name: p.name,
        version: p.version,
        position: this.following ? (this.positions.get(p.name) ?? 0) : await p.position(),
      })),
    );
  }

  /**
   * Waits until the read model `name` has applied every event up to `position` (true), or until
   * `timeoutMs` has passed (false). For readers that have just seen a change (a process at a new
   * revision) and want the read model's rows to show it too: read models trail the store by a
   * batch, and a reader told of an event asks at once. On the instance running the projections
   * the checkpoint is in memory; elsewhere it is read from the store every POLL_STORED_MS.
   */
  async reached(name: string, position: number, timeoutMs: number): Promise<boolean> {
    const projection = this.get(name);
    if (!projection) throw new Error(`unknown projection ${name}`);
    let expired = false;
    const deadline = setTimeout(() => (expired = true), timeoutMs);
    try {
      for (;;) {
        const at = this.following ? (this.positions.get(name) ?? 0) : await projection.position();
        if (at >= position) return true;
        if (expired) return false;
        await new Promise((resolve) =>
          setTimeout(resolve, this.following ? POLL_MEMORY_MS : POLL_STORED_MS),
        );
      }
    } finally {
      clearTimeout(deadline);
    }
  }

  /**
   * Runs `work` while no batch is applied to the projection, then goes on from its checkpoint
   * as it stands afterwards (an online rebuild moves it).
   */
  exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
    const projection = this.get(name);
    if (!projection) throw new Error(`unknown projection ${name}`);
    return this.turns.run(name, async () => {
      // Elsewhere the owner keeps writing the live tables: a swap here would lose its writes.
      if (!this.following)
        throw new ConflictError(
          `This instance does not run the projections now; rebuild ${name} on the one that does`,
        );
      try {
        return await work();
      } finally {
        this.positions.set(name, await projection.position());
      }
    });
  }

  /**
   * Delivered by a lane's subscription; a failure makes it redeliver the batch. The members
   * that can `prepare` derive their rows side by side and are written together, one statement
   * for all of them (see WriteUnit); the others, and every member of a batch that cannot be
   * written together, are applied one by one.
   */
  private async applyAll(members: readonly Projection[], events: RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const together = members.filter((p) => p.prepare !== undefined);
    const alone = members.filter((p) => p.prepare === undefined);
    await Promise.all([
      this.applyTogether(together, events),
      ...alone.map((p) => this.turns.run(p.name, () => this.applyTo(p, events))),
    ]);
  }

  private applyTogether(members: readonly Projection[], events: RecordedEvent[]): Promise<void> {
    if (members.length === 0) return Promise.resolve();
    const last = events[events.length - 1].position;
    return this.inTurns(members, async () => {
      const due = members.filter((p) => (this.positions.get(p.name) ?? 0) < last);
      if (due.length === 0) return; // applied already (a redelivery, or a rebuild got further)
      try {
        const prepared = await Promise.all(
          due.map((p) => p.prepare!(this.freshFor(p, events), last)),
        );
        await commitTogether(prepared);
        for (const p of due) this.positions.set(p.name, last);
      } catch (error) {
        if (error instanceof StoreUnavailableError) throw error;
        // One projection's rows (or one process's) may be what fails: find out one by one.
        for (const p of due) await this.applyTo(p, events);
      }
    });
  }

  /** Runs `work` holding the turns of all `members` (taken in one order: no deadlock). */
  private inTurns<T>(members: readonly Projection[], work: () => Promise<T>): Promise<T> {
    const [first, ...rest] = members;
    if (!first) return work();
    return this.turns.run(first.name, () => this.inTurns(rest, work));
  }

  private freshFor(projection: Projection, events: readonly RecordedEvent[]): RecordedEvent[] {
    const applied = this.positions.get(projection.name) ?? 0;
    return events[0].position > applied ? [...events] : events.filter((e) => e.position > applied);
  }

  /** One projection's share of a batch on its own (the caller holds its turn). */
  private async applyTo(projection: Projection, events: readonly RecordedEvent[]): Promise<void> {
    const applied = this.positions.get(projection.name) ?? 0;
    const last = events[events.length - 1].position;
    if (last <= applied) return; // applied already (a redelivery, or a rebuild got further)
    const fresh = this.freshFor(projection, events);
    try {
      await projection.apply(fresh, last);
    } catch (error) {
      // An outage is retried by redelivery; anything else would fail the same way forever.
      if (error instanceof StoreUnavailableError || !this.parker) throw error;
      await this.applyAround(projection, fresh, last, error as Error);
    }
    this.positions.set(projection.name, last);
  }

  /**
   * A batch that fails for a reason other than an outage: applies it stream by stream (rows
   * only; each stream's rows are independent of the others'), leaves out the streams that still
   * fail, moves the checkpoint past the batch and parks their processes, so one process's
   * events cannot stop a read model for everyone. Their rows stay as they were; an operator
   * sees the parking's reason, and a rebuild brings the rows back once the cause is fixed.
   */
  private async applyAround(
    projection: Projection,
    events: readonly RecordedEvent[],
    to: number,
    error: Error,
  ): Promise<void> {
    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      const list = byStream.get(event.streamId);
      if (list) list.push(event);
      else byStream.set(event.streamId, [event]);
    }
    const failed = new Map<string, Error>();
    for (const [streamId, streamEvents] of byStream) {
      try {
        await projection.apply(streamEvents, null);
      } catch (streamError) {
        if (streamError instanceof StoreUnavailableError) throw streamError;
        failed.set(streamId, streamError as Error);
      }
    }
    // Not one stream's fault (or every stream's, which is more likely the store's): redeliver.
    if (failed.size === 0 || (failed.size === byStream.size && byStream.size > 1)) throw error;
    await projection.apply([], to);
    for (const [streamId, streamError] of failed) {
      const reason = `read model ${projection.name} cannot apply its events: ${streamError.message}`;
      this.logger.error(`${streamId}: ${reason}; left out of ${projection.name}`);
      const processId = processIdOfStream(streamId);
      if (processId !== null) await this.parker!.park(processId, new Error(reason), 1);
    }
  }
}
