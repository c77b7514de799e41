import { ValidationError } from '../../src/domain/errors';
import { decodeCursor, encodeCursor } from '../../src/infrastructure/summary-cursor';

describe('process list cursor', () => {
  const cursor = {
    startedAt: '2026-01-01T00:00:00.000Z',
    processId: '6f1c2a52-8d4e-4c1b-9a57-1b2c3d4e5f60',
  };

  it('round-trips', () => {
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ['not base64 JSON', 'garbage'],
    [
      'a process id that is not a uuid',
      encodeCursor({ ...cursor, processId: "x'; drop table events; --" }),
    ],
    ['a time that is not a time', encodeCursor({ ...cursor, startedAt: 'yesterday' })],
    ['the wrong shape', Buffer.from('{"a":1}').toString('base64url')],
  ])('refuses %s with a validation error', (_what, bad) => {
    expect(() => decodeCursor(bad)).toThrow(ValidationError);
  });
});
