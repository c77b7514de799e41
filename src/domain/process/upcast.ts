/**
 * Reading stored events: the schema version in their metadata is honoured. Old shapes are
 * upcast to the current one step by step (register an upcaster when EVENT_SCHEMA_VERSION is
 * bumped); a type or version this build does not know (written by a newer version during a
 * rolling deploy) becomes EventNotUnderstood, which parks its process instead of breaking
 * every fold, projection and runner that meets it.
 */
import {
  EVENT_SCHEMA_VERSION,
  JsonObject,
  ProcessEvent,
  ProcessEventType,
  isProcessEventType,
} from './events';

type StoredType = ProcessEventType;

/** Turns data written at schema version `from` into the shape of `from + 1`. */
export interface Upcaster {
  type: StoredType;
  from: number;
  up(data: JsonObject): JsonObject;
}

/** None yet: every stored event is at schema version 1. */
const UPCASTERS: readonly Upcaster[] = [];

export const readProcessEvent = (
  type: string,
  data: JsonObject,
  schemaVersion: number | undefined,
  upcasters: readonly Upcaster[] = UPCASTERS,
): ProcessEvent => {
  const version = schemaVersion ?? 1;
  if (!isProcessEventType(type) || version > EVENT_SCHEMA_VERSION)
    return { type: 'EventNotUnderstood', data: { type, schemaVersion: version } };
  let upcast = data;
  for (let v = version; v < EVENT_SCHEMA_VERSION; v++) {
    for (const u of upcasters) if (u.type === type && u.from === v) upcast = u.up(upcast);
  }
  return { type, data: upcast } as ProcessEvent;
};
