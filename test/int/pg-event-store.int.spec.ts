import { PgCheckpointStore } from '../../src/infrastructure/postgres/pg-checkpoint-store';
import { randomUUID } from 'node:crypto';
import { ConcurrencyError } from '../../src/application/ports/store-errors';
import { PgEventStore } from '../../src/infrastructure/postgres/pg-event-store';
import { BATCH_APPEND_SQL, EXPECT_NO_STREAM } from '../../src/infrastructure/postgres/pg-event-sql';
import { describeEventStoreContract } from '../support/event-store-contract';
import {
  Collector,
  delay,
  events,
  expectConflict,
  newEvent,
} from '../support/event-store-fixtures';
import { startTestPostgres, TestDatabase, TestPostgres } from '../support/postgres';
import { checkOut } from '../../src/infrastructure/postgres/pg-client';

let postgres: TestPostgres;

beforeAll(async () => {
  postgres = await startTestPostgres();
});
afterAll(async () => {
  await postgres?.cleanup();
});

describeEventStoreContract('PostgreSQL', async () => {
  const database = await postgres.createTestDatabase();
  return {
    store: new PgEventStore(database.pool, { onSubscriptionError: () => undefined }),
    teardown: () => database.drop(),
  };
});

describe('PgEventStore on PostgreSQL', () => {
  let database: TestDatabase;
  let store: PgEventStore;

  beforeEach(async () => {
    database = await postgres.createTestDatabase();
    store = new PgEventStore(database.pool, { onSubscriptionError: () => undefined });
  });
  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  it('holds a follower back behind a writer that started earlier and commits later', async () => {
    // A long idle poll: the follower must find the late commit without a notification.
    const follower = new PgEventStore(database.pool, { idlePollMs: 60_000 });
    const collector = Collector.follow(follower, 0);
    // A slow writer: its transaction id is taken first, its event is inserted, no commit yet.
    const slow = await checkOut(database.pool, () => undefined);
    await slow.query('BEGIN');
    await slow.query('SELECT pg_current_xact_id()');
    const slowEvents = [{ id: randomUUID(), ...newEvent('Slow') }];
    await slow.query({
      text: BATCH_APPEND_SQL,
      values: [JSON.stringify([{ s: 'slow', x: EXPECT_NO_STREAM, o: 0, e: slowEvents }])],
    });
    const fast = await store.append('fast', events(1), 'no_stream');
    await delay(300);
    expect(collector.positions).toEqual([]); // committed, but behind the slow writer's id
    expect(await store.readAll({ after: 0, limit: 10 })).toEqual([]);

    const committed = Date.now();
    await slow.query('COMMIT');
    slow.release();
    await collector.until(2, 5_000);
    expect(Date.now() - committed).toBeLessThan(1_000);
    expect(collector.events.map((e) => e.streamId)).toEqual(['slow', 'fast']);
    expect(collector.positions[1]).toBe(fast.lastPosition);
    expect(collector.positions[0]).toBeLessThan(fast.lastPosition);
    await follower.close();
  });

  it('reads the core metadata alone when asked (a rebuild), the rest of each event as stored', async () => {
    const plain = newEvent('Plain', { n: 1 });
    const full = {
      ...newEvent('Full', { nested: { list: [1, 'two', null, 1.5e300, 'quote " é \\ \u2028'] } }),
      metadata: {
        at: '2026-01-02T03:04:05.678Z',
        actor: 'runner',
        correlationId: 'corr-2',
        causationId: 'cause-2',
        schemaVersion: 2,
        idempotencyKey: 'key-1',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        hash: 'ab'.repeat(32),
        hashVersion: 2,
      },
    };
    const legacy = newEvent('Legacy');
    delete (legacy.metadata as { schemaVersion?: number }).schemaVersion;
    await store.append('core-read', [plain, full, legacy], 'no_stream');
    const stored = await store.readAll({ after: 0, limit: 10 });
    const core = await store.readAll({ after: 0, limit: 10, metadata: 'core' });
    const withoutOptional = stored.map((e) => {
      const { idempotencyKey, traceparent, hash, hashVersion, ...kept } = e.metadata;
      void [idempotencyKey, traceparent, hash, hashVersion];
      return { ...e, metadata: kept };
    });
    expect(core).toEqual(withoutOptional);
    expect(core[1].metadata).toEqual({
      at: '2026-01-02T03:04:05.678Z',
      actor: 'runner',
      correlationId: 'corr-2',
      causationId: 'cause-2',
      schemaVersion: 2,
    });
    expect('schemaVersion' in core[2].metadata).toBe(false); // absent as stored, not null
    expect(await store.readAll({ after: core[1].position, limit: 1, metadata: 'core' })).toEqual([
      core[2],
    ]);
    expect(await store.readAll({ after: core[2].position, limit: 5, metadata: 'core' })).toEqual(
      [],
    );
  });

  it('turns a unique violation on (stream, revision) into ConcurrencyError', async () => {
    // A writer that inserts between the append's revision check and its insert.
    const rogue = await checkOut(database.pool, () => undefined);
    await rogue.query('BEGIN');
    await rogue.query(
      `INSERT INTO events (position, event_id, stream_id, revision, type, data, metadata)
       VALUES (1000, gen_random_uuid(), 'contested', 0, 'Rogue', '{}', '{}')`,
    );
    const append = store.append('contested', events(1), 'no_stream');
    append.catch(() => undefined); // it may settle before expectConflict is reached
    await delay(200); // the append now waits on the rogue's uncommitted key
    await rogue.query('COMMIT');
    rogue.release();

    await expectConflict(append);
    expect((await store.readStream('contested')).map((e) => e.type)).toEqual(['Rogue']);
  });

  it('writes the other appends of a batch when PostgreSQL refuses one of them', async () => {
    // jsonb cannot hold NUL: the batch fails as a whole, then goes again one by one.
    const appends = ['a', 'b', 'c', 'd'].map((stream) =>
      store.append(
        stream,
        [newEvent('E', { text: stream === 'c' ? 'x\u0000y' : 'ok' })],
        'no_stream',
      ),
    );
    const settled = await Promise.allSettled(appends);
    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((settled[2] as PromiseRejectedResult).reason).not.toBeInstanceOf(ConcurrencyError);
    expect(await store.readStream('c')).toEqual([]);
    expect((await store.readStream('d')).map((e) => e.data)).toEqual([{ text: 'ok' }]);
  });

  it('wakes a subscriber of another store on NOTIFY, well before the fallback poll', async () => {
    const other = new PgEventStore(database.pool, { idlePollMs: 60_000 });
    const collector = Collector.follow(other, 0);
    await delay(200); // let it reach its idle wait with LISTEN in place
    const started = Date.now();
    await store.append('a', events(1), 'no_stream');
    await collector.until(1, 5_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    await other.close();
  });

  it('releases its LISTEN connection on close and leaves the pool usable', async () => {
    const collector = Collector.follow(store, 0);
    await store.append('a', events(1), 'no_stream');
    await collector.until(1);
    await store.close();
    expect(database.pool.totalCount - database.pool.idleCount).toBe(0);
    const listeners = await database.pool.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND query ILIKE 'LISTEN%'`,
    );
    expect(listeners.rows[0].n).toBe(0);
  });
});

describe('PgCheckpointStore', () => {
  it('loads 0 when absent and upserts', async () => {
    const database = await postgres.createTestDatabase();
    try {
      const checkpoints = new PgCheckpointStore(database.pool);
      expect(await checkpoints.load('runner')).toBe(0);
      await checkpoints.save('runner', 12);
      await checkpoints.save('runner', 34);
      expect(await checkpoints.load('runner')).toBe(34);
    } finally {
      await database.drop();
    }
  });
});
