import { ConcurrencyError, StoreUnavailableError } from '../../src/application/ports/store-errors';
import {
  isOutcomeUnknown,
  isSerializationConflict,
  isUnavailableError,
  markNotSent,
  toStoreError,
} from '../../src/infrastructure/postgres/pg-errors';

const withCode = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('PostgreSQL error classification', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a reset socket', withCode('ECONNRESET')],
    ['an admin shutdown (57P01)', withCode('57P01')],
    ['a connection failure (08006)', withCode('08006')],
    ['a statement timeout (57014)', withCode('57014')],
    ['too many connections (53300)', withCode('53300')],
    ['a pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['an ended pool', new Error('Cannot use a pool after calling end on the pool')],
    [
      'every address refusing',
      Object.assign(new Error(''), { errors: [withCode('ECONNREFUSED')] }),
    ],
  ])('treats %s as an outage', (_, error) => {
    expect(isUnavailableError(error)).toBe(true);
    expect(toStoreError(error, 'testing')).toBeInstanceOf(StoreUnavailableError);
  });

  it.each([
    ['a syntax error', withCode('42601')],
    ['a unique violation', withCode('23505')],
    ['a plain bug', new TypeError('x is undefined')],
  ])('leaves %s as it is, so it is not retried as an outage', (_, error) => {
    expect(isUnavailableError(error)).toBe(false);
    expect(toStoreError(error, 'testing')).toBe(error);
  });

  it('passes the port errors through untouched', () => {
    const conflict = new ConcurrencyError('s', '0', '1');
    expect(toStoreError(conflict, 'testing')).toBe(conflict);
  });
});

describe('outcome of a write whose connection failed', () => {
  it('is unknown when the connection died after the statement was sent', () => {
    const lost = toStoreError(new Error('Connection terminated unexpectedly'), 'appending', true);
    expect(lost).toBeInstanceOf(StoreUnavailableError);
    expect((lost as StoreUnavailableError).outcomeUnknown).toBe(true);
    expect(isOutcomeUnknown(withCode('ECONNRESET'))).toBe(true);
  });

  it('is "not written" when connecting failed or the server answered with an error', () => {
    expect(isOutcomeUnknown(markNotSent(withCode('ECONNREFUSED')))).toBe(false);
    expect(isOutcomeUnknown(withCode('57P01'))).toBe(false); // the server aborted the statement
    expect(isOutcomeUnknown(withCode('57014'))).toBe(false); // statement timeout: rolled back
    const refused = toStoreError(markNotSent(withCode('ECONNREFUSED')), 'appending', true);
    expect((refused as StoreUnavailableError).outcomeUnknown).toBe(false);
    // A read never has an unknown outcome.
    const read = toStoreError(new Error('Connection terminated unexpectedly'), 'reading');
    expect((read as StoreUnavailableError).outcomeUnknown).toBe(false);
  });

  it('takes serialization failures and deadlocks for conflicts, not outages', () => {
    expect(isSerializationConflict(withCode('40001'))).toBe(true);
    expect(isSerializationConflict(withCode('40P01'))).toBe(true);
    expect(isSerializationConflict(withCode('23505'))).toBe(false);
    expect(isUnavailableError(withCode('40001'))).toBe(false);
  });
});
