/**
 * What a row projection last wrote for a process, kept so the next batch of that process need
 * not read it back: the rows a later event can change, and the revision of the process's last
 * event they reflect (`through`). An entry is used only when the batch continues exactly there
 * (its first event of the process is `through + 1`): anything else (events applied by another
 * instance while this one did not hold the role, a batch redelivered, an entry from before an
 * online rebuild) reads the store as before. Bounded, least recently used out first.
 */
import { processIdOfStream } from '../../domain/process/events';
import { RecordedEvent } from '../ports/event-store';

export interface Continued<T> {
  value: T;
  through: number;
}

const REMEMBERED_PROCESSES = 2000;

export class ContinuationMemory<T> {
  private readonly entries = new Map<string, Continued<T>>();

  constructor(private readonly capacity = REMEMBERED_PROCESSES) {}

  /** The remembered value, if the process's events in this batch start right after it. */
  continuing(processId: string, firstRevision: number): T | undefined {
    const entry = this.entries.get(processId);
    if (!entry || entry.through !== firstRevision - 1) return undefined;
    return entry.value;
  }

  /** Call once the batch is written: each process's value as stored now. */
  remember(updates: ReadonlyMap<string, Continued<T>>): void {
    for (const [processId, entry] of updates) {
      this.entries.delete(processId);
      this.entries.set(processId, entry);
    }
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }

  /**
   * The `written` callback of a batch: remembers each process's value as of its last event in
   * the batch (`spans`, from revisionsByProcess), once the batch is stored.
   */
  rememberWhenWritten(
    values: ReadonlyMap<string, T>,
    spans: ReadonlyMap<string, { last: number }>,
  ): () => void {
    const updates = new Map<string, Continued<T>>();
    for (const [processId, value] of values)
      updates.set(processId, { value, through: spans.get(processId)!.last });
    return () => this.remember(updates);
  }

  forget(): void {
    this.entries.clear();
  }
}

/** Per process of a batch: the revisions of its first and last event in it. */
export const revisionsByProcess = (
  events: readonly RecordedEvent[],
): Map<string, { first: number; last: number }> => {
  const spans = new Map<string, { first: number; last: number }>();
  for (const event of events) {
    const processId = processIdOfStream(event.streamId);
    if (processId === null) continue;
    const span = spans.get(processId);
    if (span) span.last = event.revision;
    else spans.set(processId, { first: event.revision, last: event.revision });
  }
  return spans;
};
