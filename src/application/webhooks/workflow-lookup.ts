import { EventStore } from '../ports/event-store';

/** Most processes whose workflow name is remembered; older ones are read again if needed. */
const REMEMBERED = 10_000;

/**
 * Which workflow a process runs, for subscriptions filtered by workflow. Learnt from the
 * ProcessStarted events going past; a process that started before the subscription's position
 * is read once from its stream.
 */
export class WorkflowLookup {
  private readonly known = new Map<string, string>();

  constructor(private readonly store: EventStore) {}

  learn(streamId: string, type: string, data: Record<string, unknown>): void {
    if (type === 'ProcessStarted' && typeof data.workflow === 'string')
      this.remember(streamId, data.workflow);
  }

  async workflowOf(streamId: string): Promise<string | null> {
    const known = this.known.get(streamId);
    if (known !== undefined) return known;
    const [first] = await this.store.readStream(streamId);
    const workflow =
      first?.type === 'ProcessStarted' && typeof first.data.workflow === 'string'
        ? first.data.workflow
        : null;
    if (workflow !== null) this.remember(streamId, workflow);
    return workflow;
  }

  private remember(streamId: string, workflow: string): void {
    if (this.known.size >= REMEMBERED) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
    this.known.set(streamId, workflow);
  }
}
