/**
 * The connection settings and idempotency on the real store: the isolation level is pinned
 * whatever the database's default, a lock held elsewhere answers "unavailable" within the lock
 * timeout instead of hanging, and an Idempotency-Key gives a retried start the first answer on
 * another instance too.
 */
import { Pool } from 'pg';
import { PgAdvisoryOwnership } from '../../src/infrastructure/postgres/pg-advisory-ownership';
import { PgEventStore } from '../../src/infrastructure/postgres/pg-event-store';
import { poolSettings } from '../../src/infrastructure/postgres/pool-settings';
import { ConcurrencyError, StoreUnavailableError } from '../../src/application/ports/store-errors';
import { L2VPN_INPUT, call } from '../support/api';
import { events } from '../support/event-store-fixtures';
import { PgFixture, startPgFixture } from '../support/pg-app';
import { TestApp, startTestApp } from '../support/test-app';
import { checkOut } from '../../src/infrastructure/postgres/pg-client';

jest.setTimeout(120_000);

const TIMEOUTS = { pgConnectTimeoutMs: 2000, pgStatementTimeoutMs: 5000, pgLockTimeoutMs: 300 };

describe('PostgreSQL connection settings and idempotency', () => {
  let pg: PgFixture;

  beforeAll(async () => {
    pg = await startPgFixture();
    await pg.db.pool.query(
      `ALTER DATABASE "${pg.db.name}" SET default_transaction_isolation = 'repeatable read'`,
    );
  });
  afterAll(() => pg?.close());

  const pinnedPool = () => {
    const pool = new Pool(poolSettings(pg.db.connectionString, TIMEOUTS));
    pool.on('error', () => undefined);
    return pool;
  };

  it('appends concurrently under READ COMMITTED although the database defaults to REPEATABLE READ', async () => {
    const pool = pinnedPool();
    const store = new PgEventStore(pool);
    try {
      const level = await pool.query('SHOW transaction_isolation');
      expect(level.rows[0].transaction_isolation).toBe('read committed');
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => store.append(`iso-${i}`, events(2), 'no_stream')),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      // Twenty writers racing for one stream: one wins, every loser hears "conflict".
      const race = await Promise.allSettled(
        Array.from({ length: 20 }, () => store.append('iso-race', events(1), 'no_stream')),
      );
      const losers = race.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(losers).toHaveLength(19);
      for (const loser of losers) expect(loser.reason).toBeInstanceOf(ConcurrencyError);
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it('answers "unavailable" within the lock timeout while another session locks the table', async () => {
    const pool = pinnedPool();
    const store = new PgEventStore(pool);
    const locker = await checkOut(pg.db.pool, () => undefined);
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      await expect(store.append('locked', events(1), 'no_stream')).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
      await store.close();
      await pool.end();
    }
  });

  describe('Idempotency-Key across two instances', () => {
    let a: TestApp;
    let b: TestApp;
    const instance = (pool: Pool) =>
      startTestApp({
        pool,
        adapters: { ownership: new PgAdvisoryOwnership(pool, { checkEveryMs: 200 }) },
      });

    beforeAll(async () => {
      a = await instance(pg.db.pool);
      b = await instance(pg.db.pool);
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    const start = (app: TestApp, key: string, input: unknown) =>
      call('POST', `${app.url}/api/processes/create_l2vpn`, input, { 'idempotency-key': key });

    it('gives a retried start the first answer, and refuses the key for another request', async () => {
      const first = await start(a, 'order-4711', L2VPN_INPUT);
      expect(first.status).toBe(201);
      const again = await start(b, 'order-4711', { ...L2VPN_INPUT });
      expect(again).toEqual(first);
      const other = await start(b, 'order-4711', { ...L2VPN_INPUT, vlan: 101 });
      expect(other.status).toBe(409);
      const history = await call('GET', `${a.url}/api/processes/${first.body.id}/events`);
      expect(
        history.body.filter((e: { type: string }) => e.type === 'ProcessStarted'),
      ).toHaveLength(1);
      expect(history.body[0].metadata.idempotencyKey).toBe('order-4711');
    });

    it('applies a retried abort once and answers it like the first', async () => {
      const { body } = await start(a, 'order-4712', L2VPN_INPUT);
      const abort = (app: TestApp) =>
        call(
          'PUT',
          `${app.url}/api/processes/${body.id}/abort`,
          { reason: 'x' },
          {
            'idempotency-key': 'abort-1',
          },
        );
      expect((await abort(a)).status).toBe(204);
      expect((await abort(b)).status).toBe(204);
      expect((await call('PUT', `${b.url}/api/processes/${body.id}/abort`, {})).status).toBe(409);
      const history = await call('GET', `${a.url}/api/processes/${body.id}/events`);
      expect(
        history.body.filter((e: { type: string }) => e.type === 'ProcessAborted'),
      ).toHaveLength(1);
    });

    // Issue #16 item 5: the key used to be checked before the decision, so the loser of the
    // race re-decided on an aborted process and answered 409.
    it('answers concurrent aborts with one key on both instances alike, applying one', async () => {
      const { body } = await start(a, 'order-4713', L2VPN_INPUT);
      const abort = (app: TestApp) =>
        call(
          'PUT',
          `${app.url}/api/processes/${body.id}/abort`,
          { reason: 'x' },
          { 'idempotency-key': 'abort-2' },
        );
      const answers = await Promise.all([a, b, a, b, a, b].map(abort));
      expect(answers.map((r) => r.status)).toEqual([204, 204, 204, 204, 204, 204]);
      const history = await call('GET', `${a.url}/api/processes/${body.id}/events`);
      expect(
        history.body.filter((e: { type: string }) => e.type === 'ProcessAborted'),
      ).toHaveLength(1);
    });
  });
});
