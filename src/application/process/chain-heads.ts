/**
 * The hash of the last event folded into each state the repository produced (null: that event
 * has none, or there is none), so an append computes its links in the stream's hash chain
 * (history/event-chain) without reading anything. Folds are immutable and replaced on every
 * change, so identity is a safe key, and the entry goes when the fold does.
 */
import { processStreamId } from '../../domain/process/events';
import { ProcessState } from '../../domain/process/state';
import { chainHeadOf, hashOf } from '../history/event-chain';
import { EventStore, NewEvent, RecordedEvent } from '../ports/event-store';

export class ChainHeads {
  private readonly heads = new WeakMap<ProcessState, string | null>();

  constructor(private readonly store: EventStore) {}

  /**
   * Records the chain head of a fold of `events` (the whole stream, from revision 0): the last
   * event's hash, or for a stream written before events were hashed in place, the hash of its
   * content, which the next event seals it with.
   */
  folded(state: ProcessState, events: readonly RecordedEvent[]): ProcessState {
    if (events.length > 0) this.heads.set(state, chainHeadOf(events));
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
    const stream = processStreamId(processId);
    const [atRevision] = await this.store.readStream(stream, { fromRevision: state.revision });
    if (atRevision === undefined) return null;
    if (atRevision.metadata.hashVersion !== undefined) return hashOf(atRevision);
    // A stream written before events were hashed in place: sealed by the hash of its content.
    const events = await this.store.readStream(stream);
    return chainHeadOf(events.filter((event) => event.revision <= state.revision));
  }
}
