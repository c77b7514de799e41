/**
 * Partition ownership by advisory locks: instances share the partitions fairly, never hold one
 * partition at the same time, hand partitions back in a rebalance after their work is done, and
 * take over a dead instance's partitions at once when its session ends.
 */
import { OwnershipListener } from '../../src/application/ports/work-ownership';
import { PgAdvisoryOwnership } from '../../src/infrastructure/postgres/pg-advisory-ownership';
import { PgFixture, startPgFixture } from '../support/pg-app';

jest.setTimeout(120_000);

const until = async (condition: () => boolean, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
};

class Member {
  readonly held = new Set<number>();
  released: number[] = [];
  lost: number[] = [];
  readonly ownership: PgAdvisoryOwnership;
  readonly listener: OwnershipListener = {
    acquired: async (partitions) => partitions.forEach((p) => this.held.add(p)),
    releasing: async (partitions) => {
      this.released.push(...partitions);
      partitions.forEach((p) => this.held.delete(p));
    },
    lost: (partitions) => {
      this.lost.push(...partitions);
      partitions.forEach((p) => this.held.delete(p));
    },
  };
  constructor(pg: PgFixture) {
    this.ownership = new PgAdvisoryOwnership(pg.db.pool, { partitionCount: 12, checkEveryMs: 100 });
  }
}

describe('PgAdvisoryOwnership', () => {
  let pg: PgFixture;
  beforeAll(async () => {
    pg = await startPgFixture();
  });
  afterAll(() => pg?.close());

  it('spreads partitions, never shares one, rebalances on join and takes over on death', async () => {
    const a = new Member(pg);
    await a.ownership.start(a.listener);
    expect(a.held.size).toBe(12); // alone, it holds everything

    const b = new Member(pg);
    const c = new Member(pg);
    await b.ownership.start(b.listener);
    await c.ownership.start(c.listener);
    await until(() => a.held.size === 4 && b.held.size === 4 && c.held.size === 4);
    const all = [...a.held, ...b.held, ...c.held];
    expect(new Set(all).size).toBe(12); // each partition has exactly one owner
    expect(a.released.length).toBe(8); // handed back through `releasing`, not dropped

    // c's session dies (as when its process is killed): a and b take its partitions.
    const gone = [...c.held];
    await pg.db.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'
         AND pid IN (SELECT pid FROM pg_locks
                     WHERE locktype = 'advisory' AND classid = 1118240769 AND objid = $1)`,
      [gone[0]],
    );
    await until(() => c.lost.length === gone.length);
    await c.ownership.stop();
    await until(() => a.held.size + b.held.size === 12);
    expect(gone.every((p) => a.held.has(p) || b.held.has(p))).toBe(true);
    expect(new Set([...a.held, ...b.held]).size).toBe(12);

    await a.ownership.stop();
    await until(() => b.held.size === 12);
    await b.ownership.stop();
  });
});
