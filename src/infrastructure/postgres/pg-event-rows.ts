import { EventMetadata, NewEvent, RecordedEvent } from '../../application/ports/event-store';

export interface EventRow {
  position: string;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

/** bigint arrives as a string; a position beyond 2^53 would silently lose precision. */
export function toPosition(value: string): number {
  const position = Number(value);
  if (!Number.isSafeInteger(position)) {
    throw new RangeError(`event position ${value} is beyond what JavaScript numbers hold`);
  }
  return position;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return recorded(row, row.metadata);
}

const recorded = (row: Omit<EventRow, 'metadata'>, metadata: EventMetadata): RecordedEvent => ({
  eventId: row.event_id,
  streamId: row.stream_id,
  revision: row.revision,
  position: toPosition(row.position),
  type: row.type,
  data: row.data,
  metadata,
});

/** A row of FOLLOW_CORE_SQL: the metadata's fields every event has, as columns. */
export interface CoreEventRow extends Omit<EventRow, 'metadata'> {
  at: string;
  actor: string;
  correlation_id: string;
  causation_id: string | null;
  schema_version: number | null;
}

export function coreToRecordedEvent(row: CoreEventRow): RecordedEvent {
  const metadata: EventMetadata = {
    at: row.at,
    actor: row.actor,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    schemaVersion: row.schema_version as number,
  };
  // Absent, not null, where the stored event had none (as the full read gives it).
  if (row.schema_version === null) delete (metadata as Partial<EventMetadata>).schemaVersion;
  return recorded(row, metadata);
}

/**
 * The append's events as one JSON array parameter (see BATCH_APPEND_SQL), with ids chosen here so the
 * caller gets the recorded events back without reading them.
 */
export function serialiseForAppend(
  events: readonly NewEvent[],
  newId: () => string,
): { json: string; ids: string[] } {
  const ids = events.map(() => newId());
  const json = JSON.stringify(
    events.map((event, index) => ({
      id: ids[index],
      type: event.type,
      data: event.data,
      metadata: event.metadata,
    })),
  );
  return { json, ids };
}

/**
 * What was stored, rebuilt from what was sent: revisions and positions of one append are
 * consecutive. Data and metadata are the caller's own objects, not copies (copying costs CPU
 * on the hot path); callers treat events as immutable, as `evolve` does.
 */
export function recordedFromAppend(
  streamId: string,
  events: readonly NewEvent[],
  ids: readonly string[],
  lastRevision: number,
  lastPosition: number,
): RecordedEvent[] {
  const first = events.length - 1;
  return events.map((event, index) => ({
    eventId: ids[index],
    streamId,
    revision: lastRevision - first + index,
    position: lastPosition - first + index,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
  }));
}
