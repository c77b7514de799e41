/**
 * Fencing enforced by the database (issue 16, item 1). An instance whose ownership session dies
 * without a word (a network black hole; the server ends the session, but nothing reaches the
 * client) must stop driving within a short bound, and whatever it still tries to write as the
 * former owner (runner appends, checkpoints) must be refused by the store once another instance
 * has taken the work: the store checks the writer's epoch in the same statement.
 */
import { withFence } from '../../src/application/ownership/write-fence';
import { FencedOutError } from '../../src/application/ports/store-errors';
import { OwnershipListener } from '../../src/application/ports/work-ownership';
import { PgAdvisoryOwnership } from '../../src/infrastructure/postgres/pg-advisory-ownership';
import { PgCheckpointStore } from '../../src/infrastructure/postgres/pg-checkpoint-store';
import { PgEventStore } from '../../src/infrastructure/postgres/pg-event-store';
import { PgStepLogStore } from '../../src/infrastructure/postgres/pg-step-log';
import { PgFixture, startPgFixture } from '../support/pg-app';
import { TcpProxy, startTcpProxy, tcpTargetOf } from '../support/tcp-proxy';

jest.setTimeout(120_000);

const PARTITIONS = 4;

const until = async (condition: () => boolean, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
};

class Member {
  readonly held = new Set<number>();
  lostAt = 0;
  readonly listener: OwnershipListener = {
    acquired: async (partitions) => partitions.forEach((p) => this.held.add(p)),
    releasing: async (partitions) => partitions.forEach((p) => this.held.delete(p)),
    lost: (partitions) => {
      this.lostAt = Date.now();
      partitions.forEach((p) => this.held.delete(p));
    },
  };
  constructor(readonly ownership: PgAdvisoryOwnership) {}
}

const event = (type: string) => ({
  type,
  data: {},
  metadata: {
    at: new Date(0).toISOString(),
    actor: 't',
    correlationId: 'c',
    causationId: null,
    schemaVersion: 1,
  },
});

describe('fencing by the database', () => {
  let pg: PgFixture;
  let proxy: TcpProxy;
  beforeAll(async () => {
    pg = await startPgFixture();
    proxy = await startTcpProxy(tcpTargetOf(pg.postgres.adminConnectionString));
  });
  afterAll(async () => {
    await proxy?.close();
    await pg?.close();
  });

  it('drops a black-holed session within 5 s, and the store refuses the old owner', async () => {
    const a = new Member(
      new PgAdvisoryOwnership(pg.db.pool, {
        partitionCount: PARTITIONS,
        checkEveryMs: 200,
        connection: { connectionString: proxy.through(pg.db.connectionString) },
      }),
    );
    await a.ownership.start(a.listener);
    expect(a.held.size).toBe(PARTITIONS);
    const oldFence = a.ownership.fenceOf(0)!;
    expect(oldFence).toEqual({ name: 'partition:0', epoch: expect.any(Number) });

    // A's appends and checkpoints while it does hold the partition are written.
    const store = new PgEventStore(pg.db.pool);
    const checkpoints = new PgCheckpointStore(pg.db.pool);
    await withFence(oldFence, () => store.append('process-fenced', [event('One')], 'no_stream'));
    expect(
      await checkpoints.saveMany(new Map([['runner:0', 5]]), new Map([['runner:0', oldFence]])),
    ).toEqual({ fencedOut: 0 });

    // The network swallows A's session; the server ends it (as after a failover or a timeout).
    const [session] = proxy.connections;
    proxy.blackHole(session);
    const cutAt = Date.now();
    await pg.db.pool.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE client_port = $1',
      [session.upstreamPort],
    );
    const b = new Member(
      new PgAdvisoryOwnership(pg.db.pool, { partitionCount: PARTITIONS, checkEveryMs: 200 }),
    );
    await b.ownership.start(b.listener);
    expect(b.held.size).toBe(PARTITIONS); // B took everything over at once

    await until(() => a.held.size === 0, 10_000);
    const stoppedMs = a.lostAt - cutAt;
    console.log(`black-holed ownership session: stopped driving after ${stoppedMs} ms`);
    expect(stoppedMs).toBeLessThan(5_000);

    // Whatever A still had in flight as partition 0's owner is refused, and nothing is written.
    await expect(
      withFence(oldFence, () => store.append('process-fenced', [event('Two')], 0)),
    ).rejects.toBeInstanceOf(FencedOutError);
    expect(
      await checkpoints.saveMany(new Map([['runner:0', 99]]), new Map([['runner:0', oldFence]])),
    ).toEqual({ fencedOut: 1 });
    expect((await store.readStream('process-fenced')).map((e) => e.type)).toEqual(['One']);
    expect(await checkpoints.load('runner:0')).toBe(5);

    // The new owner writes under its own epoch; appends without a fence are never checked.
    const newFence = b.ownership.fenceOf(0)!;
    expect(newFence.epoch).toBeGreaterThan(oldFence.epoch);
    await withFence(newFence, () => store.append('process-fenced', [event('Two')], 0));
    await store.append('process-fenced', [event('Three')], 1);
    expect((await store.readStream('process-fenced')).map((e) => e.type)).toEqual([
      'One',
      'Two',
      'Three',
    ]);

    await b.ownership.stop();
    await a.ownership.stop();
    await store.close();
  });

  it('refuses the rows, checkpoint and swap of a projection owner that lost the role', async () => {
    const role = 'projection:test';
    const owners = [0, 1].map(
      () => new PgAdvisoryOwnership(pg.db.pool, { partitionCount: 1, checkEveryMs: 100 }),
    );
    const roleHeld = [false, false];
    owners.forEach((o, i) =>
      o.watchRole(role, {
        acquired: async () => void (roleHeld[i] = true),
        released: async () => void (roleHeld[i] = false),
      }),
    );
    const listener: OwnershipListener = {
      acquired: async () => undefined,
      releasing: async () => undefined,
      lost: () => undefined,
    };
    await owners[0].start(listener);
    await until(() => roleHeld[0]);
    const oldFence = owners[0].roleFence(role)!;
    const stepLog = new PgStepLogStore(pg.db.pool);
    await stepLog.reset();
    const row = (seq: number) => ({
      processId: '00000000-0000-4000-8000-000000000001',
      seq,
      index: seq,
      name: `step ${seq}`,
      status: 'completed' as const,
      startedAt: new Date(0).toISOString(),
      finishedAt: new Date(0).toISOString(),
      durationMs: 1,
      delta: {},
      removedKeys: [],
      error: null,
      revision: seq,
    });
    await withFence(oldFence, () => stepLog.write([row(0)], 10));

    // The first owner stops (its session ends); the second takes the role over.
    await pg.db.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
       WHERE locktype = 'advisory' AND classid = $1::bigint::oid AND granted`,
      [0x42a70003],
    );
    await owners[1].start(listener);
    await until(() => roleHeld[1]);

    await expect(withFence(oldFence, () => stepLog.write([row(1)], 20))).rejects.toBeInstanceOf(
      FencedOutError,
    );
    expect((await stepLog.ofProcess(row(0).processId)).map((r) => r.seq)).toEqual([0]);
    expect(await stepLog.position()).toBe(10);
    const shadow = await stepLog.shadow();
    await expect(withFence(oldFence, () => stepLog.promote(shadow))).rejects.toBeInstanceOf(
      FencedOutError,
    );
    await stepLog.discard(shadow);

    await withFence(owners[1].roleFence(role), () => stepLog.write([row(1)], 20));
    expect(await stepLog.position()).toBe(20);
    for (const owner of owners) await owner.stop();
  });
});
