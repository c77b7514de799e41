import { processIdOfStream } from '../../domain/process/events';
import { EventMetadata, RecordedEvent } from '../ports/event-store';

/** One event as the feed hands it to downstream services. */
export interface FeedEvent {
  /** Global position: strictly increasing, not consecutive. Resume after it. */
  position: number;
  eventId: string;
  processId: string;
  /** 0-based revision in the process's stream. */
  revision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

export interface FeedFilter {
  /** Only these event types (all when absent). */
  types?: ReadonlySet<string>;
  processId?: string;
}

/** The feed's view of a stored event, or null for an event outside the feed (not a process's). */
export const toFeedEvent = (event: RecordedEvent): FeedEvent | null => {
  const processId = processIdOfStream(event.streamId);
  if (processId === null) return null;
  return {
    position: event.position,
    eventId: event.eventId,
    processId,
    revision: event.revision,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
  };
};

export const matchesFilter = (event: FeedEvent, filter: FeedFilter): boolean =>
  (filter.types === undefined || filter.types.has(event.type)) &&
  (filter.processId === undefined || filter.processId === event.processId);
