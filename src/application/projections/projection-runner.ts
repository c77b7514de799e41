/**
 * Follows the event store for the projections with one subscription per lane (one read of each
 * batch, however many read models share the lane), from the oldest checkpoint in the lane. Each
 * projection gets the part of a batch it has not applied and writes it with its own checkpoint.
 * A projection can be held (`exclusive`) while an online rebuild swaps its tables.
 */
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { KeyedMutex } from '../keyed-mutex';
import { EVENT_STORE, EventStore, RecordedEvent, Subscription } from '../ports/event-store';
import { PROJECTIONS, Projection } from './projection';

/** Read models trail the store by at most about this much while it is busy. */
const PROJECTION_MIN_INTERVAL_MS = 50;
const DEFAULT_LANE = 'read-models';

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
  private readonly subscriptions: Subscription[] = [];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) readonly projections: readonly Projection[],
  ) {}

  async onApplicationBootstrap(): Promise<void> {
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
        }),
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.subscriptions.map((s) => s.close()));
  }

  get(name: string): Projection | undefined {
    return this.projections.find((p) => p.name === name);
  }

  /** Where each projection stands (its checkpoint as last written). */
  where(): ProjectionPosition[] {
    return this.projections.map((p) => ({
      name: p.name,
      version: p.version,
      position: this.positions.get(p.name) ?? 0,
    }));
  }

  /**
   * Runs `work` while no batch is applied to the projection, then goes on from its checkpoint
   * as it stands afterwards (an online rebuild moves it).
   */
  exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
    const projection = this.get(name);
    if (!projection) throw new Error(`unknown projection ${name}`);
    return this.turns.run(name, async () => {
      try {
        return await work();
      } finally {
        this.positions.set(name, await projection.position());
      }
    });
  }

  /** Delivered by a lane's subscription; a failure makes it redeliver the batch. */
  private async applyAll(members: readonly Projection[], events: RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await Promise.all(members.map((p) => this.applyTo(p, events)));
  }

  private applyTo(projection: Projection, events: readonly RecordedEvent[]): Promise<void> {
    return this.turns.run(projection.name, async () => {
      const applied = this.positions.get(projection.name) ?? 0;
      const last = events[events.length - 1].position;
      if (last <= applied) return; // applied already (a redelivery, or a rebuild got further)
      const fresh =
        events[0].position > applied ? events : events.filter((e) => e.position > applied);
      await projection.apply(fresh, last);
      this.positions.set(projection.name, last);
    });
  }
}
