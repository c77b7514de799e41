/**
 * Folded processes kept in memory, so a load reads only the events appended since (usually
 * none) instead of the whole stream. An entry is a fold of a prefix of the stream, never a guess:
 * it comes from events read from the store or from an append the store confirmed. Being behind
 * the store is harmless for commands (their appends carry the expected revision); reads use an
 * entry only while it is known to be current (see ProcessRepository.read). Bounded, least
 * recently used out first, so memory stays flat however many processes wait.
 */
import { ProcessState } from '../../domain/process/state';
import { RecordedEvent } from '../ports/event-store';

export interface FoldedProcess {
  state: ProcessState;
  events: RecordedEvent[];
  /** When the store last confirmed this entry current (ms, from the injected clock). */
  checkedAt: number;
}

/** Longest history kept in memory (the seed workflow's is about a dozen events). */
const MAX_EVENTS_PER_ENTRY = 500;

export class FoldedProcessCache {
  private readonly entries = new Map<string, FoldedProcess>();

  constructor(private readonly capacity: number) {}

  get(processId: string): FoldedProcess | undefined {
    const entry = this.entries.get(processId);
    if (entry === undefined) return undefined;
    // Map keeps insertion order: re-inserting marks the entry most recently used.
    this.entries.delete(processId);
    this.entries.set(processId, entry);
    return entry;
  }

  /**
   * Keeps whichever of the stored and offered entries is further along. A process with a very
   * long history (thousands of progress reports) is not kept: its events would crowd out many
   * others, and extending its copy on every append would cost more than reading it.
   */
  offer(processId: string, entry: FoldedProcess): void {
    if (this.capacity === 0 || entry.state.revision < 0) return;
    if (entry.events.length > MAX_EVENTS_PER_ENTRY) {
      this.entries.delete(processId);
      return;
    }
    const current = this.entries.get(processId);
    if (current !== undefined && current.state.revision > entry.state.revision) return;
    this.entries.delete(processId);
    this.entries.set(processId, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** The store has moved past this entry in a way it cannot follow: forget it. */
  forget(processId: string): void {
    this.entries.delete(processId);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Forgets the entry if it is behind `revision` (an event it has not folded exists). */
  forgetIfBehind(processId: string, revision: number): void {
    const entry = this.entries.get(processId);
    if (entry !== undefined && entry.state.revision < revision) this.entries.delete(processId);
  }

  get size(): number {
    return this.entries.size;
  }
}
