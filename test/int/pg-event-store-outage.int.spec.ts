import { ConcurrencyError, StoreUnavailableError } from '../../src/application/ports/store-errors';
import { PgCheckpointStore } from '../../src/infrastructure/postgres/pg-checkpoint-store';
import { PgEventStore } from '../../src/infrastructure/postgres/pg-event-store';
import { Collector, events } from '../support/event-store-fixtures';
import { startTestPostgres, TestDatabase, TestPostgres, testPool } from '../support/postgres';
import { startStartupHoldingProxy } from '../support/startup-holding-proxy';
import { tcpTargetOf } from '../support/tcp-proxy';
import { checkOut } from '../../src/infrastructure/postgres/pg-client';

let postgres: TestPostgres;
let database: TestDatabase;
let store: PgEventStore;
const reported: unknown[] = [];

beforeAll(async () => {
  postgres = await startTestPostgres();
  database = await postgres.createTestDatabase();
  store = new PgEventStore(database.pool, {
    maxBackoffMs: 300,
    onSubscriptionError: (error) => reported.push(error),
  });
});
afterAll(async () => {
  try {
    await store?.close();
    await database?.drop();
  } finally {
    await postgres?.cleanup();
  }
});

const unavailable = async (attempt: Promise<unknown>): Promise<void> => {
  const error = await attempt.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StoreUnavailableError);
  expect(error).not.toBeInstanceOf(ConcurrencyError);
};

/** Waits until a session is blocked on a lock, i.e. the append is inside its transaction. */
async function waitForLockWaiter(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const waiting = await database.pool.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'`,
    );
    if (waiting.rows.length > 0) return waiting.rows[0].pid;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the append never started waiting for the uncommitted event');
}

async function waitUntilGone(pid: number): Promise<void> {
  for (let attempt = 0; attempt < 250; attempt += 1) {
    // The terminated session may be handed back to the shared pool before the pool notices it
    // is dead; a query on it fails, and the next one gets a live connection.
    const rows = await database.pool
      .query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])
      .then((r) => r.rows)
      .catch(() => [{ unknown: true }]);
    if (rows.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`backend ${pid} did not end`);
}

describe('PgEventStore while PostgreSQL is down', () => {
  it('answers StoreUnavailableError, writes nothing, and recovers when it is back', async () => {
    await store.append('order-1', events(1), 'no_stream');
    const follower = Collector.follow(store, 0);
    await follower.until(1);

    await postgres.stop();
    await unavailable(store.append('order-1', events(1), 0));
    await unavailable(store.append('order-2', events(1), 'no_stream'));
    await unavailable(store.readStream('order-1'));
    await unavailable(store.readAll({ after: 0, limit: 10 }));
    await unavailable(store.headPosition());
    await unavailable(new PgCheckpointStore(database.pool).save('runner', 1));

    await postgres.start();
    const [kept] = await store.readStream('order-1');
    expect(await store.readStream('order-1')).toHaveLength(1);
    expect(await store.readStream('order-2')).toEqual([]);
    expect(await store.headPosition()).toBe(kept.position);

    // The same append now succeeds, and the subscription has survived the outage.
    await store.append('order-1', events(1), 0);
    await follower.until(2);
    const all = await store.readAll({ after: 0, limit: 10 });
    expect(follower.positions).toEqual(all.map((e) => e.position));
    await follower.close();
    expect(reported.length).toBeGreaterThan(0); // the outage was reported, not swallowed
  });

  it('answers StoreUnavailableError when the server goes away in the middle of an append', async () => {
    const head = await store.headPosition();
    // An uncommitted event at the same (stream, revision): the append's insert waits on its key,
    // so the append is caught inside its transaction.
    const blocker = await checkOut(database.pool, () => undefined);
    await blocker.query('BEGIN');
    await blocker.query(
      `INSERT INTO events (position, event_id, stream_id, revision, type, data, metadata)
       VALUES (1, gen_random_uuid(), 'order-3', 0, 'Blocker', '{}', '{}')`,
    );
    const append = store.append('order-3', events(1), 'no_stream');
    append.catch(() => undefined);
    const appender = await waitForLockWaiter();

    // The append's own connection goes first: stopping the server could end the blocker's
    // session first and let the append through before its own is ended.
    // pg_terminate_backend only signals; the append is certainly over once its backend has
    // gone, and only then may the blocker's session end (else the insert could go through).
    await database.pool.query('SELECT pg_terminate_backend($1)', [appender]);
    await waitUntilGone(appender);
    await postgres.stop();
    await unavailable(append);
    blocker.release(true);

    await postgres.start();
    expect(await store.readStream('order-3')).toEqual([]);
    expect(await store.headPosition()).toBe(head);
  });

  it('survives the server ending a new connection in the same read that completes its start-up', async () => {
    // The pool hands a new client over (without its idle 'error' listener) inside the socket read
    // that brings the start-up's ReadyForQuery; "terminating connection due to administrator
    // command" in that same read used to hit a client nobody listened on yet (see checkOut in
    // pg-client.ts): an uncaught exception. The proxy makes that read happen every time.
    const proxy = await startStartupHoldingProxy(tcpTargetOf(database.connectionString));
    const pool = testPool(proxy.through(database.connectionString));
    const failures: unknown[] = [];
    const proxied = new PgEventStore(pool, {
      maxBackoffMs: 300,
      onSubscriptionError: (error) => failures.push(error),
    });
    let follower: Collector | undefined;
    let stopped = false;
    try {
      const append = proxied.append('order-4', events(1), 'no_stream');
      append.catch(() => undefined);
      follower = Collector.follow(proxied, 0); // its first read, and its LISTEN connection
      await proxy.holding(3);

      stopped = true;
      await postgres.stop();
      await proxy.releaseAfterServerClosed();
      const error = await append.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      // Nothing was sent on a connection that was dead when handed over: nothing was written.
      expect((error as StoreUnavailableError).outcomeUnknown).toBe(false);
      expect((error as StoreUnavailableError).cause).toMatchObject({ code: '57P01' });
      // The follower heard of both of its connections: its read's, and its LISTEN's.
      const heard = (matches: (error: unknown) => boolean) => failures.some(matches);
      const deadRead = (e: unknown) =>
        e instanceof StoreUnavailableError && (e.cause as { code?: unknown })?.code === '57P01';
      const deadListen = (e: unknown) => /not queryable/.test(String(e));
      for (let wait = 0; wait < 100 && !(heard(deadRead) && heard(deadListen)); wait += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(heard(deadRead)).toBe(true);
      expect(heard(deadListen)).toBe(true);
    } finally {
      await follower?.close();
      await proxied.close();
      await pool.end();
      await proxy.close();
      if (stopped) await postgres.start();
    }
  });
});
