/**
 * The hash chain (issue #6, point 6): what is hashed, how verification names the first event
 * that no longer matches, and that streams from before hashing keep working.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../src/application/history/canonical-json';
import { verifyChain } from '../../src/application/history/chain-verdict';
import { GENESIS_HASH, chainEvents, hashEvent } from '../../src/application/history/event-chain';
import { legacyHashEvent } from '../../src/application/history/legacy-event-hash';
import { NewEvent, RecordedEvent } from '../../src/application/ports/event-store';
import { ProcessRepository } from '../../src/application/process/process-repository';
import { processStreamId } from '../../src/domain/process/events';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';

const metadata = (at = '2026-01-01T00:00:00.000Z') => ({
  at,
  actor: 'alice',
  correlationId: 'c1',
  causationId: null,
  schemaVersion: 1,
});

const recorded = (events: NewEvent[]): RecordedEvent[] =>
  events.map((e, revision) => ({
    ...structuredClone(e),
    eventId: `e${revision}`,
    streamId: 'process-p1',
    revision,
    position: 1000 + revision * 7,
  }));

const plain = (n: number): NewEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    type: 'StepCompleted',
    data: { index: i, name: `step ${i}`, delta: { n: i }, removedKeys: [] },
    metadata: metadata(),
  }));

describe('canonical JSON', () => {
  it('sorts keys at every depth by code unit, integer-like keys included, with no whitespace', () => {
    const value = { b: 1, a: [1, { d: 2, c: 'x' }], 10: true, 2: null, é: 1, Z: 0 };
    expect(canonicalJson(value)).toBe(
      '{"10":true,"2":null,"Z":0,"a":[1,{"c":"x","d":2}],"b":1,"é":1}',
    );
  });

  it('orders keys as the default sort does, for any mix of keys, small objects and large', () => {
    const pool = [
      ...['', 'a', 'A', 'aa', 'ab', 'b', '0', '1', '10', '2', '-1', ' ', 'z'],
      ...['é', 'e\u0301', '😀', '\uffff', '\ud800', '\udfff', 'x\ud83d'],
    ];
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const expectDefaultOrder = (keys: string[]) => {
      const value = Object.fromEntries(keys.map((k, i) => [k, i]));
      const expected = `{${Object.keys(value)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${value[k]}`)
        .join(',')}}`;
      expect(canonicalJson(value)).toBe(expected);
    };
    for (let round = 0; round < 200; round++)
      expectDefaultOrder(pool.filter(() => random() < 0.5).sort(() => random() - 0.5));
    // Past the in-place sort's size (a callback payload can hold tens of thousands of keys):
    // integer-like keys, which objects list in numeric order, and names in reverse order.
    expectDefaultOrder(Array.from({ length: 20_000 }, (_, i) => String(i)));
    expectDefaultOrder(Array.from({ length: 20_000 }, (_, i) => `k${20_000 - i}`));
  });

  it('drops what JSON drops, as a round trip through the store does', () => {
    const value = { keep: 1, gone: undefined, list: [undefined, 1.5e-7], when: new Date(0) };
    expect(canonicalJson(value)).toBe(canonicalJson(JSON.parse(JSON.stringify(value))));
    expect(canonicalJson(value)).toBe(
      '{"keep":1,"list":[null,1.5e-7],"when":"1970-01-01T00:00:00.000Z"}',
    );
  });
});

describe('event hash', () => {
  it('is SHA-256 hex of a prefix and {data, metadata without hash, previous, revision, streamId, type}', () => {
    const event = {
      streamId: 'process-p1',
      revision: 3,
      type: 'X',
      data: { b: 1, a: 2 },
      metadata: { ...metadata(), hash: 'old' },
    };
    const content = (previous: string) =>
      '{"data":{"a":2,"b":1},"metadata":{"actor":"alice","at":"2026-01-01T00:00:00.000Z",' +
      `"causationId":null,"correlationId":"c1","schemaVersion":1},"previous":"${previous}",` +
      '"revision":3,"streamId":"process-p1","type":"X"}';
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(hashEvent(null, event)).toBe(sha(`baton-event-v2\n${content(GENESIS_HASH)}`));
    expect(hashEvent('ab'.repeat(32), event)).toBe(
      sha(`baton-event-v2\n${content('ab'.repeat(32))}`),
    );
  });

  it('binds the event to its stream and revision', () => {
    const [event] = recorded(chainEvents('process-p1', 0, null, plain(1)));
    expect(hashEvent(null, { ...event, streamId: 'process-p2' })).not.toBe(event.metadata.hash);
    expect(hashEvent(null, { ...event, revision: 1 })).not.toBe(event.metadata.hash);
  });

  it('chains: each event links to the one before, and says it is hashed in place', () => {
    const chained = recorded(chainEvents('process-p1', 0, null, plain(3)));
    expect(chained[0].metadata.hashVersion).toBe(2);
    expect(chained[0].metadata.hash).toBe(hashEvent(null, chained[0]));
    expect(chained[2].metadata.hash).toBe(hashEvent(chained[1].metadata.hash!, chained[2]));
  });
});

describe('verifyChain', () => {
  it('finds an untouched stream intact', () => {
    const events = recorded(chainEvents('process-p1', 0, null, plain(4)));
    expect(verifyChain(events)).toEqual({
      intact: true,
      events: 4,
      unhashedPrefix: 0,
      legacyPrefix: 0,
      sealedAt: null,
      verified: 4,
      headHash: events[3].metadata.hash,
    });
  });

  it('names exactly the revision whose data, metadata or hash was edited', () => {
    const editData = recorded(chainEvents('process-p1', 0, null, plain(5)));
    (editData[2].data as { delta: unknown }).delta = { n: 99 };
    expect(verifyChain(editData)).toMatchObject({
      intact: false,
      firstBadRevision: 2,
      problems: [{ revision: 2, problem: 'hash_mismatch' }],
    });

    const editActor = recorded(chainEvents('process-p1', 0, null, plain(5)));
    editActor[3].metadata.actor = 'mallory';
    expect(verifyChain(editActor).problems).toEqual([{ revision: 3, problem: 'hash_mismatch' }]);

    const editHash = recorded(chainEvents('process-p1', 0, null, plain(5)));
    editHash[1].metadata.hash = 'f'.repeat(64);
    // The edited hash no longer matches its event, and the next event no longer links to it.
    expect(verifyChain(editHash)).toMatchObject({ intact: false, firstBadRevision: 1 });
  });

  it('reports a deleted event and a stripped hash', () => {
    const deleted = recorded(chainEvents('process-p1', 0, null, plain(5)));
    deleted.splice(2, 1);
    expect(verifyChain(deleted)).toMatchObject({ intact: false, firstBadRevision: 2 });
    expect(verifyChain(deleted).problems).toContainEqual({ revision: 2, problem: 'event_missing' });

    const stripped = recorded(chainEvents('process-p1', 0, null, plain(3)));
    delete stripped[1].metadata.hash;
    expect(verifyChain(stripped).problems).toContainEqual({ revision: 1, problem: 'hash_missing' });
  });

  it('names a history moved to another stream, and two events swapped', () => {
    const moved = recorded(chainEvents('process-p1', 0, null, plain(3))).map((e) => ({
      ...e,
      streamId: 'process-p2',
    }));
    expect(verifyChain(moved)).toMatchObject({ intact: false, firstBadRevision: 0 });
    const swapped = recorded(chainEvents('process-p1', 0, null, plain(4)));
    [swapped[1].data, swapped[2].data] = [swapped[2].data, swapped[1].data];
    [swapped[1].metadata, swapped[2].metadata] = [swapped[2].metadata, swapped[1].metadata];
    expect(verifyChain(swapped)).toMatchObject({ intact: false, firstBadRevision: 1 });
  });

  it('reports a legacy event after events hashed in place (its hash and marker stripped)', () => {
    const events = recorded(chainEvents('process-p1', 0, null, plain(3)));
    delete events[2].metadata.hash;
    delete events[2].metadata.hashVersion;
    expect(verifyChain(events).problems).toEqual([{ revision: 2, problem: 'hash_missing' }]);
  });

  it('seals a stream written before hashing with the first event hashed in place', () => {
    const legacy = recorded(plain(3));
    const head = hashEvent(hashEvent(hashEvent(null, legacy[0]), legacy[1]), legacy[2]);
    const events = recorded([...plain(3), ...chainEvents('process-p1', 3, head, plain(2))]);
    expect(verifyChain(events)).toEqual({
      intact: true,
      events: 5,
      unhashedPrefix: 3,
      legacyPrefix: 3,
      sealedAt: 3,
      verified: 2,
      headHash: events[4].metadata.hash,
    });
    // Editing the sealed prefix breaks the seal.
    (events[1].data as { delta: unknown }).delta = { n: 99 };
    expect(verifyChain(events)).toMatchObject({ intact: false, firstBadRevision: 3 });
  });

  it('still verifies legacy hashes', () => {
    const legacy = plain(3);
    let previous: string | null = null;
    for (const event of legacy) {
      event.metadata = { ...event.metadata, hash: legacyHashEvent(previous, event) };
      previous = event.metadata.hash!;
    }
    expect(verifyChain(recorded(legacy))).toMatchObject({
      intact: true,
      legacyPrefix: 3,
      verified: 3,
    });
    const edited = recorded(legacy);
    edited[1].metadata.actor = 'mallory';
    expect(verifyChain(edited)).toMatchObject({ intact: false, firstBadRevision: 1 });
  });

  it('counts a stream written before hashing as unhashed, covered by the ledger only', () => {
    const legacy = plain(3);
    expect(verifyChain(recorded(legacy))).toMatchObject({
      intact: true,
      unhashedPrefix: 3,
      verified: 0,
    });
  });
});

describe('ProcessRepository appends a hash chain', () => {
  const clock = { now: () => new Date('2026-01-01T00:00:00.000Z') };
  const ctx = { actor: 'alice', correlationId: 'c', causationId: null };
  const start = {
    type: 'StartProcess' as const,
    processId: 'p1',
    workflow: 'wf',
    workflowVersion: 1,
    input: {},
    initialState: {},
    by: 'alice',
  };
  const step = (index: number) => ({
    type: 'CompleteStep' as const,
    index,
    name: `step ${index}`,
    delta: { [`k${index}`]: index },
    removedKeys: [],
    startedAt: 'T',
    durationMs: 1,
  });

  it('on every append, without reading the stream, across cache misses and other instances', async () => {
    const store = new InMemoryEventStore();
    const reads: number[] = [];
    const readStream = store.readStream.bind(store);
    store.readStream = (id, options) => {
      reads.push(options?.fromRevision ?? 0);
      return readStream(id, options);
    };
    const one = new ProcessRepository(store, clock);
    await one.execute('p1', start, ctx); // reads once: does the process exist?
    reads.length = 0;
    await one.execute('p1', step(0), ctx);
    expect(reads).toEqual([]); // the chain head travelled with the cached fold
    const other = new ProcessRepository(store, clock, 0); // no cache at all
    await other.execute('p1', step(1), ctx);
    await one.execute('p1', step(2), ctx); // stale cache: conflict, re-read, re-hash
    const events = await store.readStream(processStreamId('p1'));
    expect(events).toHaveLength(4);
    expect(verifyChain(events)).toMatchObject({ intact: true, unhashedPrefix: 0, verified: 4 });
  });

  it('seals a stream written before hashing when it next appends', async () => {
    const store = new InMemoryEventStore();
    const unhashed = (type: string, data: Record<string, unknown>): NewEvent => ({
      type,
      data,
      metadata: metadata(),
    });
    await store.append(
      processStreamId('p1'),
      [
        unhashed('ProcessStarted', {
          processId: 'p1',
          workflow: 'wf',
          workflowVersion: 1,
          input: {},
          state: {},
        }),
        unhashed('StepCompleted', step(0)),
      ],
      'no_stream',
    );
    const repository = new ProcessRepository(store, clock);
    await repository.execute('p1', step(1), ctx);
    const events = await store.readStream(processStreamId('p1'));
    // The first event hashed in place links to the hash computed over the older content: a seal.
    const head = hashEvent(hashEvent(null, events[0]), events[1]);
    expect(events[2].metadata.hash).toBe(hashEvent(head, events[2]));
    expect(verifyChain(events)).toMatchObject({
      intact: true,
      unhashedPrefix: 2,
      sealedAt: 2,
      verified: 1,
    });
  });
});
