/**
 * The ledger projection: it follows the store into one tree whose root matches a recomputation
 * from the events, resumes after a restart from its stored frontier, signs digests at the
 * configured count, and a writer that lost its place cannot add a leaf twice.
 */
import { computeLeaves } from '../../src/application/ledger/ledger-leaf';
import { MerkleAppender } from '../../src/application/ledger/merkle-appender';
import { verifyDigest } from '../../src/application/ledger/signed-digest';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';
import { InMemoryLedgerStore } from '../../src/infrastructure/memory/in-memory-ledger-store';
import { TEST_LEDGER_KEY } from '../support/ledger';
import { appendHashed, cloneFixture, ledgerReaches, startLedger } from '../support/ledger-seed';

const settings = { signingKey: TEST_LEDGER_KEY, digestEveryEvents: 10, digestEverySeconds: 0 };

const rootOf = async (store: InMemoryEventStore): Promise<string> => {
  const events = await store.readAll({ after: 0, limit: 10_000 });
  const tree = new MerkleAppender(0, new Map());
  for (const leaf of computeLeaves(events, new Map())) tree.append(leaf.leafHash);
  return tree.root().toString('hex');
};

describe('ledger projection', () => {
  it('builds the tree of every event, across a restart, and signs digests', async () => {
    const store = new InMemoryEventStore();
    const ledger = new InMemoryLedgerStore();
    const first = cloneFixture('create_l2vpn-v1-completed');
    await appendHashed(store, first.processId, first.events);
    let running = await startLedger(store, ledger, { ...settings, digestEveryEvents: 1 });
    await ledgerReaches(ledger, first.events.length);
    await running.stop();

    const second = cloneFixture('create_l2vpn-v1-failed-retried');
    await appendHashed(store, second.processId, second.events, 4);
    running = await startLedger(store, ledger, { ...settings, digestEveryEvents: 1 });
    const total = first.events.length + second.events.length;
    const digest = await ledgerReaches(ledger, total);
    await running.stop();

    expect(digest.rootHash).toBe(await rootOf(store));
    expect(verifyDigest(digest, digest.publicKey)).toBe(true);
    expect(digest.lastPosition).toBe(await store.headPosition());
    expect((await ledger.state()).treeSize).toBe(total);
  });

  it('signs a digest only once enough events went in', async () => {
    const store = new InMemoryEventStore();
    const ledger = new InMemoryLedgerStore();
    const running = await startLedger(store, ledger, settings);
    const one = cloneFixture('create_l2vpn-v1-completed'); // 13 events
    await appendHashed(store, one.processId, one.events, 13);
    const deadline = Date.now() + 5000;
    while ((await ledger.state()).treeSize < 13 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await ledger.latestDigest())?.treeSize).toBe(13);
    const two = cloneFixture('create_l2vpn-v1-completed');
    await appendHashed(store, two.processId, two.events.slice(0, 5), 5);
    while ((await ledger.state()).treeSize < 18 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    // 5 more events: fewer than 10 since the last digest, so no new one.
    expect((await ledger.latestDigest())?.treeSize).toBe(13);
    await running.stop();
  });

  it('refuses a batch from a writer whose tree is not the stored one (fencing)', async () => {
    const ledger = new InMemoryLedgerStore();
    const batch = { leaves: [], nodes: [], heads: new Map(), position: 5, treeSize: 0 };
    await ledger.append(batch, 0);
    await expect(ledger.append({ ...batch, treeSize: 3 }, 2)).rejects.toThrow(/moved on/);
  });
});
