/**
 * Gives up on a process that keeps failing for reasons other than an outage (a bug in a step's
 * surroundings, an event this version cannot read, a retired workflow version): it is parked,
 * recorded as a ProcessParked event that the API shows, so the runner's checkpoint moves on and
 * every other process keeps flowing. `PUT /processes/{id}/retry` hands it back to the runner.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_SCHEMA_VERSION, processStreamId } from '../../domain/process/events';
import { chainEvents, chainHeadOf } from '../history/event-chain';
import { CLOCK, Clock } from '../ports/clock';
import { EVENT_STORE, EventStore } from '../ports/event-store';
import { StoreUnavailableError } from '../ports/store-errors';
import { logParkedUnfolded } from '../observability/lifecycle-log';
import { ProcessRepository } from '../process/process-repository';
import { RuntimeEvents } from '../runtime-events';

/** Long enough to say what went wrong, short enough for a list. */
const MAX_REASON_LENGTH = 500;

@Injectable()
export class ProcessParker {
  private readonly logger = new Logger(ProcessParker.name);

  constructor(
    private readonly repository: ProcessRepository,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly events: RuntimeEvents,
  ) {}

  async park(processId: string, error: Error, attempts: number): Promise<void> {
    const reason = error.message.slice(0, MAX_REASON_LENGTH);
    const context = { actor: 'runner', correlationId: processId, causationId: null };
    try {
      await this.repository.execute(processId, { type: 'ParkProcess', reason, attempts }, context);
    } catch (decideError) {
      if (decideError instanceof StoreUnavailableError) throw decideError;
      // The process cannot even be folded: record the parking without deciding on its state.
      this.logger.error(`process ${processId}: cannot be folded (${String(decideError)})`);
      // Chained onto the stream's last event like any other, so the history still verifies.
      const stream = processStreamId(processId);
      const events = await this.store.readStream(stream);
      const last = events[events.length - 1];
      const parked = {
        type: 'ProcessParked',
        data: { reason, attempts },
        metadata: {
          ...context,
          at: this.clock.now().toISOString(),
          schemaVersion: EVENT_SCHEMA_VERSION,
        },
      };
      await this.store.append(
        stream,
        chainEvents(stream, last ? last.revision + 1 : 0, chainHeadOf(events), [parked]),
        last ? last.revision : 'no_stream',
      );
      logParkedUnfolded(processId, last ? last.revision + 1 : 0);
    }
    this.events.emit({ type: 'process-parked', processId, reason });
  }
}
