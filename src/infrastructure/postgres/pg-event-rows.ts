import { PoolClient } from 'pg';
import { EventMetadata, RecordedEvent } from '../../application/ports/event-store';
import { NO_STREAM_REVISION } from '../event-store/expected-revision';

/** Columns of the `events` table (migration 1), in the order every query uses. */
export const EVENT_COLUMNS = 'position, event_id, stream_id, revision, type, data, metadata';

export interface EventRow {
  position: string;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    revision: row.revision,
    // bigint arrives as a string; positions stay far below 2^53.
    position: Number(row.position),
    type: row.type,
    data: row.data,
    metadata: row.metadata,
  };
}

/** Revision of the stream's last event, -1 when it has none; one probe of the unique index. */
export async function currentRevision(client: PoolClient, streamId: string): Promise<number> {
  const result = await client.query<{ revision: number | null }>(
    'SELECT max(revision) AS revision FROM events WHERE stream_id = $1',
    [streamId],
  );
  return result.rows[0].revision ?? NO_STREAM_REVISION;
}

/** One multi-row INSERT for the whole append: positions and revisions are consecutive. */
export function insertEvents(
  streamId: string,
  events: ReadonlyArray<{ type: string; data: unknown; metadata: unknown }>,
  firstPosition: number,
  firstRevision: number,
  newId: () => string,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const rows = events.map((event, index) => {
    const p = index * 7;
    params.push(
      firstPosition + index,
      newId(),
      streamId,
      firstRevision + index,
      event.type,
      JSON.stringify(event.data),
      JSON.stringify(event.metadata),
    );
    return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}::jsonb, $${p + 7}::jsonb)`;
  });
  return { sql: `INSERT INTO events (${EVENT_COLUMNS}) VALUES ${rows.join(', ')}`, params };
}
