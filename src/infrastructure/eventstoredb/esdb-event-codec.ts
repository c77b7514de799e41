/**
 * Events as EventStoreDB stores them, readable by its own tools: the stable type name as the
 * event type, `application/json` data, and JSON metadata holding DESIGN §4's fields
 * (`at, actor, correlationId, causationId, schemaVersion`) plus whatever else the application
 * adds (for example a hash chain), untouched. Two fields are added for EventStoreDB's own
 * conventions: `$correlationId` and `$causationId`, which its system projections
 * (`$by_correlation_id`) and UI follow. They are dropped again on reading, so a read gives back
 * exactly the metadata that was appended.
 */
import { AllStreamResolvedEvent, EventData, jsonEvent, ResolvedEvent } from '@eventstore/db-client';
import { EventMetadata, NewEvent, RecordedEvent } from '../../application/ports/event-store';
import { toGlobalPosition, toRevision } from './esdb-positions';

const CORRELATION = '$correlationId';
const CAUSATION = '$causationId';

export function encodeEvent(event: NewEvent, id: string): EventData {
  const reserved = Object.keys(event.metadata).filter((key) => key.startsWith('$'));
  if (reserved.length > 0) {
    // EventStoreDB gives `$` fields meaning; letting callers set them would let them lie to it.
    throw new RangeError(
      `metadata of ${event.type} uses ${reserved.join(', ')}: fields starting with $ are EventStoreDB's`,
    );
  }
  const metadata: Record<string, unknown> = {
    ...event.metadata,
    [CORRELATION]: event.metadata.correlationId,
  };
  if (event.metadata.causationId !== null) metadata[CAUSATION] = event.metadata.causationId;
  return jsonEvent({ id, type: event.type, data: event.data, metadata });
}

export function decodeMetadata(stored: unknown, eventId: string): EventMetadata {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    throw new Error(`event ${eventId} has no JSON object as metadata; it was not written by Baton`);
  }
  const {
    [CORRELATION]: _correlation,
    [CAUSATION]: _causation,
    ...metadata
  } = stored as Record<string, unknown>;
  return metadata as unknown as EventMetadata;
}

/**
 * EventStoreDB writes its own records (`$`-typed: stream metadata, tombstones) next to an
 * application's; they are not Baton events.
 */
export function isSystemEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): boolean {
  return resolved.event === undefined || resolved.event.type.startsWith('$');
}

export function decodeEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent {
  const event = resolved.event;
  if (event === undefined) throw new Error('EventStoreDB returned a record without an event');
  const { data } = event;
  if (!event.isJson || typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new Error(
      `event ${event.id} in ${event.streamId} has no JSON object as data; it was not written by Baton`,
    );
  }
  return {
    eventId: event.id,
    streamId: event.streamId,
    revision: toRevision(event.revision),
    position: toGlobalPosition(event.position, event.id),
    type: event.type,
    data: data as Record<string, unknown>,
    metadata: decodeMetadata(event.metadata, event.id),
  };
}
