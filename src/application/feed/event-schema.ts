/**
 * The JSON Schema of every feed event (`GET /api/events/schema`), built from the event
 * catalogue itself (domain/process/events.ts) so it cannot drift from what is stored. The
 * envelope's metadata schema is checked against EventMetadata by the compiler below.
 */
import { EVENT_CATALOGUE, PROCESS_EVENT_TYPES } from '../../domain/process/events';
import {
  JsonSchema,
  Static,
  dateTime,
  integer,
  nullable,
  object,
  optional,
  string,
} from '../../domain/schema/json-schema';
import { EventMetadata } from '../ports/event-store';

const METADATA = object({
  at: dateTime(),
  actor: string({ description: 'Who caused the event (user, "runner", "callback", …)' }),
  correlationId: string(),
  causationId: nullable(string()),
  schemaVersion: integer({ minimum: 1 }),
  idempotencyKey: optional(
    string({ description: "The client's Idempotency-Key of the request that caused the event" }),
  ),
  traceparent: optional(
    string({
      pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
      description:
        "W3C traceparent of the span that decided the event (only while tracing is on): the process's trace goes on from it",
    }),
  ),
  hash: optional(
    string({
      pattern: '^[0-9a-f]{64}$',
      description:
        'With hashVersion 2: SHA-256 hex of "baton-event-v2\\n" + the canonical JSON (RFC 8785) of {data, metadata without hash, previous (the previous event hash of the stream, 64 zeros for the first), revision, streamId, type}. Without hashVersion: the legacy hash; absent on events written before hashing',
    }),
  ),
  hashVersion: optional(
    integer({ description: '2 on events whose hash covers their place (stream, revision)' }),
  ),
});

type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// Fails to compile when EventMetadata and the schema above no longer describe the same thing.
const metadataMatches: Same<Static<typeof METADATA>, EventMetadata> = true;
void metadataMatches;

const envelope = (type: string, data: JsonSchema): JsonSchema => ({
  type: 'object',
  properties: {
    position: integer({ minimum: 1, description: 'Global position (increasing, not consecutive)' })
      .json,
    eventId: string({ format: 'uuid' }).json,
    processId: string({ format: 'uuid' }).json,
    revision: integer({ minimum: 0 }).json,
    type: { const: type },
    data,
    metadata: { $ref: '#/$defs/EventMetadata' },
  },
  required: ['position', 'eventId', 'processId', 'revision', 'type', 'data', 'metadata'],
  additionalProperties: false,
});

export const eventFeedSchema = (): JsonSchema => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Baton process events (GET /api/events)',
  description:
    'One schema per event type under $defs; an event of the feed matches exactly one of them (by "type"). Over SSE the event is the JSON of the data field, its type the SSE event name and its position the SSE id.',
  oneOf: PROCESS_EVENT_TYPES.map((type) => ({ $ref: `#/$defs/${type}` })),
  $defs: {
    EventMetadata: METADATA.json,
    ...Object.fromEntries(
      PROCESS_EVENT_TYPES.map((type) => [type, envelope(type, EVENT_CATALOGUE[type].json)]),
    ),
  },
});
