/**
 * The hash of the last event folded into each state the repository produced (null: that event
 * has none, or there is none), so an append computes its links in the stream's hash chain
 * (history/event-chain) without reading anything. Folds are immutable and replaced on every
 * change, so identity is a safe key, and the entry goes when the fold does.
 */
import { processStreamId } from '../../domain/process/events';
import { ProcessState } from '../../domain/process/state';
import { hashOf } from '../history/event-chain';
import { EventStore, NewEvent, RecordedEvent } from '../ports/event-store';

export class ChainHeads {
  private readonly heads = new WeakMap<ProcessState, string | null>();

  constructor(private readonly store: EventStore) {}

  /** Records the chain head of a fold of `events` (the stream, or the tail just folded on). */
  folded(state: ProcessState, events: readonly RecordedEvent[]): ProcessState {
    if (events.length > 0) this.heads.set(state, hashOf(events[events.length - 1]));
    return state;
  }

  /** Records the head of a fold that ends with the events just appended. */
  appended(state: ProcessState, appended: readonly NewEvent[]): void {
    this.heads.set(state, hashOf(appended[appended.length - 1]));
  }

  /**
   * The hash the next event links to. Known for every fold this repository made; a state from
   * elsewhere costs one read of its last event (if the stream moved on meanwhile, the append
   * conflicts anyway and is decided again on a fresh fold).
   */
  async headOf(processId: string, state: ProcessState): Promise<string | null> {
    if (state.revision < 0) return null;
    const known = this.heads.get(state);
    if (known !== undefined) return known;
    const [atRevision] = await this.store.readStream(processStreamId(processId), {
      fromRevision: state.revision,
    });
    return atRevision === undefined ? null : hashOf(atRevision);
  }
}
