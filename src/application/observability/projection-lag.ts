/**
 * How far each follower of the global order (the process list projection, the runner) trails
 * the store. Positions are not consecutive, so "positions behind" means nothing; the lag is the
 * age of the oldest event a follower has not applied yet (0 when it has applied everything),
 * which also grows while a follower is stuck on one event, however few events are behind it.
 */
import { Inject, Injectable } from '@nestjs/common';
import { CHECKPOINT_STORE, CheckpointStore } from '../ports/checkpoint-store';
import { CLOCK, Clock } from '../ports/clock';
import { EVENT_STORE, EventStore } from '../ports/event-store';
import { PROCESS_SUMMARY_STORE, ProcessSummaryStore } from '../ports/process-summaries';
import { RUNNER_CHECKPOINT } from '../runner/process-runner';

/**
 * A projection builds a read model (readiness depends on it); the runner's checkpoint also waits
 * for long-running steps, so its lag is reported but does not make an instance unready.
 */
export type FollowerKind = 'projection' | 'runner';

export interface FollowerLag {
  name: string;
  kind: FollowerKind;
  /** Position of the last event the follower has applied. */
  checkpoint: number;
  /** Age in ms of the oldest event after the checkpoint; 0 when caught up. */
  lagMs: number;
}

export interface LagReport {
  headPosition: number;
  followers: FollowerLag[];
}

export const PROCESS_SUMMARIES_FOLLOWER = 'process-summaries';

@Injectable()
export class ProjectionLag {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
    @Inject(PROCESS_SUMMARY_STORE) private readonly summaries: ProcessSummaryStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async measure(): Promise<LagReport> {
    const [headPosition, summaries, runner] = await Promise.all([
      this.store.headPosition(),
      this.summaries.appliedPosition(),
      this.checkpoints.load(RUNNER_CHECKPOINT),
    ]);
    const followers = await Promise.all([
      this.follower(PROCESS_SUMMARIES_FOLLOWER, 'projection', summaries, headPosition),
      this.follower(RUNNER_CHECKPOINT, 'runner', runner, headPosition),
    ]);
    return { headPosition, followers };
  }

  private async follower(
    name: string,
    kind: FollowerKind,
    checkpoint: number,
    headPosition: number,
  ): Promise<FollowerLag> {
    if (checkpoint >= headPosition) return { name, kind, checkpoint, lagMs: 0 };
    const [oldest] = await this.store.readAll({ after: checkpoint, limit: 1 });
    // Nothing readable after all (the head moved back below a transaction still in flight).
    if (!oldest) return { name, kind, checkpoint, lagMs: 0 };
    const age = this.clock.now().getTime() - Date.parse(oldest.metadata.at);
    return { name, kind, checkpoint, lagMs: Math.max(0, age) };
  }
}
