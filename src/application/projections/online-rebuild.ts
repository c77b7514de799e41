/**
 * Rebuilds one projection while the service keeps running: replay the store into a shadow copy
 * of its tables, catch up with what was appended meanwhile, then hold the live projection for
 * a moment, apply the last few events and swap the shadow in atomically. Readers see the old
 * rows until the swap and the new ones after it, never a half-built table.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../../domain/errors';
import { CLOCK, Clock } from '../ports/clock';
import { EVENT_STORE, EventStore } from '../ports/event-store';
import { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { replay } from './rebuild';

export interface RebuildStatus {
  projection: string;
  state: 'idle' | 'running' | 'completed' | 'failed';
  /** Events applied to the shadow so far. */
  events: number;
  startedAt: string | null;
  finishedAt: string | null;
  /** Checkpoint the rebuilt projection was swapped in at. */
  position: number | null;
  error: string | null;
}

/** Catching up stops and the swap begins once the shadow is this close to the head. */
const SWAP_WITHIN_EVENTS = 1000;
const MAX_CATCH_UP_ROUNDS = 20;

@Injectable()
export class OnlineRebuilds {
  private readonly logger = new Logger(OnlineRebuilds.name);
  private readonly statuses = new Map<string, RebuildStatus>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly runner: ProjectionRunner,
  ) {}

  status(name: string): RebuildStatus {
    this.projection(name);
    return this.statuses.get(name) ?? idle(name);
  }

  /** Starts a rebuild in the background; ConflictError while one of this projection runs. */
  start(name: string): RebuildStatus {
    const projection = this.projection(name);
    if (this.running.has(name)) throw new ConflictError(`A rebuild of ${name} is already running`);
    if (!this.runner.running)
      throw new ConflictError(
        `This instance does not run the projections now; rebuild ${name} on the one that does`,
      );
    const status: RebuildStatus = {
      ...idle(name),
      state: 'running',
      startedAt: this.clock.now().toISOString(),
    };
    this.statuses.set(name, status);
    const run = this.runner
      .asOwner(() => this.run(projection, status))
      .finally(() => this.running.delete(name));
    this.running.set(name, run);
    return { ...status };
  }

  /** Resolves when the running rebuild of `name` (if any) has finished. */
  async settled(name: string): Promise<RebuildStatus> {
    await this.running.get(name);
    return this.status(name);
  }

  private async run(live: Projection, status: RebuildStatus): Promise<void> {
    let shadow: Projection | undefined;
    try {
      shadow = await live.shadow();
      const target = shadow;
      let result = await replay(this.store, [target], 0, {
        onProgress: ({ events }) => void (status.events = events),
      });
      let done = result.events;
      for (
        let round = 0;
        round < MAX_CATCH_UP_ROUNDS && result.events >= SWAP_WITHIN_EVENTS;
        round += 1
      ) {
        const before = done;
        result = await replay(this.store, [target], result.position, {
          onProgress: ({ events }) => void (status.events = before + events),
        });
        done += result.events;
      }
      const position = await this.runner.exclusive(live.name, async () => {
        const last = await replay(this.store, [target], await target.position());
        status.events = done + last.events;
        await live.promote(target);
        return live.position();
      });
      Object.assign(status, {
        state: 'completed',
        position,
        finishedAt: this.clock.now().toISOString(),
      });
      this.logger.log(`rebuilt ${live.name}: ${status.events} events, swapped in at ${position}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      Object.assign(status, {
        state: 'failed',
        error: message,
        finishedAt: this.clock.now().toISOString(),
      });
      this.logger.error(`rebuild of ${live.name} failed: ${message}`);
      if (shadow) await live.discard(shadow).catch(() => undefined);
    }
  }

  private projection(name: string): Projection {
    const projection = this.runner.get(name);
    if (!projection) throw new NotFoundError(`Unknown projection: ${name}`);
    return projection;
  }
}

const idle = (projection: string): RebuildStatus => ({
  projection,
  state: 'idle',
  events: 0,
  startedAt: null,
  finishedAt: null,
  position: null,
  error: null,
});
