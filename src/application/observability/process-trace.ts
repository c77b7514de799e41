import { RecordedEvent } from '../ports/event-store';

/**
 * Where a process's trace goes on: the traceparent of its latest event that has one (the span
 * that decided it), so work caused by that event (a drive after a callback, say) nests under
 * it. Undefined for a process written while tracing was off.
 */
export const processTraceparent = (events: readonly RecordedEvent[]): string | undefined => {
  for (let i = events.length - 1; i >= 0; i--) {
    const traceparent = events[i].metadata.traceparent;
    if (traceparent !== undefined) return traceparent;
  }
  return undefined;
};
