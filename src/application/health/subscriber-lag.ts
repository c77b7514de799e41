/**
 * How far each follower of the event store (the read-model projections, the runner) trails the
 * head: its durable checkpoint against the newest readable position, and how old the oldest
 * event it has not applied yet is. Positions are not consecutive, so their difference counts
 * nothing; the age of the oldest unapplied event is the lag an operator can act on. For health
 * answers (`GET /health` details, readiness probes) and anything else that reports lag.
 */
import { Inject, Injectable, Optional } from '@nestjs/common';
import { CHECKPOINT_STORE, CheckpointStore } from '../ports/checkpoint-store';
import { CLOCK, Clock } from '../ports/clock';
import { EVENT_STORE, EventStore } from '../ports/event-store';
import { DEFAULT_PARTITIONS } from '../ownership/partitions';
import { WORK_OWNERSHIP, WorkOwnership } from '../ports/work-ownership';
import { PROJECTIONS, Projection } from '../projections/projection';
import { slowestPartitionCheckpoint } from '../runner/partition-checkpoints';

/** Anything that follows the store from a durable checkpoint. */
export interface CheckpointedFollower {
  name: string;
  /** Position of the last event it has applied (0: none). */
  position(): Promise<number>;
}

export interface FollowerLag {
  name: string;
  checkpoint: number;
  head: number;
  caughtUp: boolean;
  /** Age of the oldest event after the checkpoint (by its recorded time), 0 when caught up. */
  behindMs: number;
}

export interface LagReport {
  head: number;
  projections: FollowerLag[];
  runner: FollowerLag;
}

@Injectable()
export class SubscriberLag {
  private readonly projections: CheckpointedFollower[] = [];
  private readonly runner: CheckpointedFollower;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PROJECTIONS) projections: readonly Projection[],
    @Inject(CHECKPOINT_STORE) checkpoints: CheckpointStore,
    @Optional() @Inject(WORK_OWNERSHIP) ownership?: WorkOwnership,
  ) {
    // Every read model's durable checkpoint (an online rebuild moves it when it swaps).
    for (const projection of projections)
      this.track({ name: projection.name, position: () => projection.position() });
    // The runner keeps a checkpoint per partition; it trails as far as its slowest one.
    const partitions = ownership?.partitionCount ?? DEFAULT_PARTITIONS;
    this.runner = {
      name: 'runner',
      position: () => slowestPartitionCheckpoint(checkpoints, partitions),
    };
  }

  /** Adds a projection to the report (each read model registers its own). */
  track(projection: CheckpointedFollower): void {
    this.projections.push(projection);
  }

  async measure(): Promise<LagReport> {
    const head = await this.store.headPosition();
    const [runner, ...projections] = await Promise.all(
      [this.runner, ...this.projections].map((follower) => this.lagOf(follower, head)),
    );
    return { head, projections, runner };
  }

  private async lagOf(follower: CheckpointedFollower, head: number): Promise<FollowerLag> {
    const checkpoint = await follower.position();
    const lag = { name: follower.name, checkpoint, head };
    if (checkpoint >= head) return { ...lag, caughtUp: true, behindMs: 0 };
    const [oldest] = await this.store.readAll({ after: checkpoint, limit: 1 });
    const age = oldest ? this.clock.now().getTime() - Date.parse(oldest.metadata.at) : 0;
    return { ...lag, caughtUp: false, behindMs: Math.max(0, age) };
  }
}
