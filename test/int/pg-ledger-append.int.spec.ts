/**
 * The ledger's batch is one statement: it moves the checkpoint from the size the writer started
 * at and writes leaves, nodes and stream heads only if it did. A writer whose expectation is
 * stale (it lost the role, another wrote first) is refused and writes nothing.
 */
import { randomUUID } from 'node:crypto';
import { LedgerBatch } from '../../src/application/ports/ledger-store';
import { PgLedgerStore } from '../../src/infrastructure/postgres/pg-ledger-store';
import { PgFixture, startPgFixture } from '../support/pg-app';

const batch = (treeSize: number, stream: string, hash: string): LedgerBatch => ({
  leaves: [
    {
      index: treeSize - 1,
      eventId: randomUUID(),
      position: treeSize * 10,
      streamId: stream,
      revision: treeSize - 1,
      eventHash: hash,
      leafHash: Buffer.from(hash.padEnd(64, '0').slice(0, 64), 'hex'),
    },
  ],
  nodes: [
    { level: 0, index: treeSize - 1, hash: Buffer.from(hash.padEnd(64, '0').slice(0, 64), 'hex') },
  ],
  heads: new Map([[stream, hash]]),
  position: treeSize * 10,
  treeSize,
});

describe('PgLedgerStore.append', () => {
  let pg: PgFixture;
  let store: PgLedgerStore;

  beforeAll(async () => {
    pg = await startPgFixture();
    store = new PgLedgerStore(pg.db.pool);
  });
  afterAll(() => pg.close());

  const count = async (table: string): Promise<number> =>
    Number((await pg.db.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

  it('writes a batch at the expected size, and nothing for a writer whose size is stale', async () => {
    const before = await store.state();
    expect(before.treeSize).toBe(0);
    await store.append(batch(1, 'process-a', 'aa'), 0);
    expect(await store.state()).toMatchObject({ treeSize: 1, position: 10 });
    expect(await store.streamHeads(['process-a'])).toEqual(new Map([['process-a', 'aa']]));

    // A second writer that also started from size 0: refused, and none of its rows land.
    await expect(store.append(batch(1, 'process-b', 'bb'), 0)).rejects.toThrow(
      /moved on under this writer \(expected 0\)/,
    );
    expect(await count('ledger_leaves')).toBe(1);
    expect(await count('ledger_nodes')).toBe(1);
    expect(await store.streamHeads(['process-b'])).toEqual(new Map());

    // The stream head is replaced by the next batch that continues it.
    await store.append(batch(2, 'process-a', 'cc'), 1);
    expect(await store.streamHeads(['process-a'])).toEqual(new Map([['process-a', 'cc']]));
    expect(await count('ledger_leaves')).toBe(2);
  });
});
