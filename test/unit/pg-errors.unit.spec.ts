import { ConcurrencyError, StoreUnavailableError } from '../../src/application/ports/store-errors';
import { isUnavailableError, toStoreError } from '../../src/infrastructure/postgres/pg-errors';

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
