/**
 * The published event schema (GET /api/events/schema) against histories recorded by earlier
 * versions: old streams are still described by it, since they stay in the feed forever.
 */
import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eventFeedSchema } from '../../src/application/feed/event-schema';
import { toFeedEvent } from '../../src/application/feed/feed-event';
import { RecordedEvent } from '../../src/application/ports/event-store';
import { PROCESS_EVENT_TYPES } from '../../src/domain/process/events';

const fixture = (name: string): RecordedEvent[] =>
  JSON.parse(readFileSync(path.join(__dirname, '../fixtures', name), 'utf8')) as RecordedEvent[];

describe('event feed schema', () => {
  const validate = new Ajv2020({ strict: true, allErrors: true })
    .addFormat('uuid', true)
    .addFormat('date-time', (text: string) => !Number.isNaN(Date.parse(text)))
    .compile(eventFeedSchema());

  it.each(['create_l2vpn-v1-completed.events.json', 'create_l2vpn-v1-failed-retried.events.json'])(
    'describes every event of the recorded history %s',
    (name) => {
      for (const recorded of fixture(name)) {
        const event = toFeedEvent(recorded);
        expect({ type: recorded.type, errors: validate(event) ? null : validate.errors }).toEqual({
          type: recorded.type,
          errors: null,
        });
      }
    },
  );

  it('has one definition per event type and refuses an unknown type or missing data', () => {
    const schema = eventFeedSchema() as { $defs: Record<string, unknown> };
    expect(Object.keys(schema.$defs).filter((k) => k !== 'EventMetadata')).toEqual(
      PROCESS_EVENT_TYPES,
    );
    const base = toFeedEvent(fixture('create_l2vpn-v1-completed.events.json')[0])!;
    expect(validate({ ...base, type: 'ProcessRenamed' })).toBe(false);
    expect(validate({ ...base, data: { workflow: 'x' } })).toBe(false);
  });
});
