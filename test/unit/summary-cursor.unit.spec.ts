import { ValidationError } from '../../src/domain/errors';
import { decodeCursor, encodeCursor } from '../../src/application/summaries/summary-cursor';

describe('process list cursor', () => {
  const cursor = {
    at: '2026-01-01T00:00:00.000Z',
    processId: '6f1c2a52-8d4e-4c1b-9a57-1b2c3d4e5f60',
  };

  it('round-trips within its sort', () => {
    expect(decodeCursor(encodeCursor('-updatedAt', cursor), '-updatedAt')).toEqual(cursor);
  });

  it('is refused for another sort, saying which sort it belongs to', () => {
    expect(() => decodeCursor(encodeCursor('startedAt', cursor), '-startedAt')).toThrow(
      ValidationError,
    );
    try {
      decodeCursor(encodeCursor('startedAt', cursor), '-startedAt');
    } catch (error) {
      expect(JSON.stringify((error as ValidationError).validationErrors)).toContain(
        'belongs to sort startedAt',
      );
    }
  });

  it.each([
    ['not base64 JSON', 'garbage'],
    [
      'a process id that is not a uuid',
      encodeCursor('-startedAt', { ...cursor, processId: "x'; drop table events; --" }),
    ],
    ['a time that is not a time', encodeCursor('-startedAt', { ...cursor, at: 'yesterday' })],
    ['the wrong shape', Buffer.from('{"a":1}').toString('base64url')],
  ])('refuses %s with a validation error', (_what, bad) => {
    expect(() => decodeCursor(bad, '-startedAt')).toThrow(ValidationError);
  });
});
