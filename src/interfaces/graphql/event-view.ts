import { RecordedEvent } from '../../application/ports/event-store';
import { processIdOfStream } from '../../domain/process/events';
import { ProcessEventType } from './types/event.types';
import { ProcessChangeType } from './types/process-change.types';

export const toEventType = (e: RecordedEvent): ProcessEventType => ({
  eventId: e.eventId,
  processId: processIdOfStream(e.streamId) ?? e.streamId,
  type: e.type,
  revision: e.revision,
  position: e.position,
  data: e.data,
  metadata: e.metadata,
});

export const toProcessChange = (e: RecordedEvent): ProcessChangeType => {
  const event = toEventType(e);
  return {
    processId: event.processId,
    type: e.type,
    revision: e.revision,
    position: e.position,
    at: e.metadata.at,
    actor: e.metadata.actor,
    event,
  };
};
