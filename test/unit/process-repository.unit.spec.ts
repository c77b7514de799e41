/**
 * The folded-state cache behind ProcessRepository: loads read only a stream's tail, reads trust
 * the cache only while it is known to be current, and nothing is ever refused or answered on the
 * strength of a stale fold.
 */
import { EventStore, NewEvent } from '../../src/application/ports/event-store';
import { ProcessRepository } from '../../src/application/process/process-repository';
import { IllegalStateError } from '../../src/domain/errors';
import { ProcessEvent, processStreamId } from '../../src/domain/process/events';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';
import { completed, inputRequested, started } from './process-fixtures';

const clock = { now: () => new Date('2026-01-01T00:00:00.000Z') };
const ctx = { actor: 'test', correlationId: 'c', causationId: null };
const id = 'p1';
const stream = processStreamId(id);

/** Another writer (another instance) appending behind this repository's back. */
const appendElsewhere = (
  store: EventStore,
  events: ProcessEvent[],
  expected: number | 'no_stream',
) =>
  store.append(
    stream,
    events.map((e): NewEvent => ({
      type: e.type,
      data: e.data as Record<string, unknown>,
      metadata: {
        at: 'T',
        actor: 'other',
        correlationId: 'c',
        causationId: null,
        schemaVersion: 1,
      },
    })),
    expected,
  );

/** Counts the reads that reach the store, and how much of a stream each asked for. */
const countingStore = () => {
  const store = new InMemoryEventStore();
  const reads: number[] = [];
  const readStream = store.readStream.bind(store);
  store.readStream = (streamId, options) => {
    reads.push(options?.fromRevision ?? 0);
    return readStream(streamId, options);
  };
  return { store, reads };
};

describe('ProcessRepository with its folded-state cache', () => {
  it('reads a whole stream once, then only its tail', async () => {
    const { store, reads } = countingStore();
    await appendElsewhere(store, [started(), completed(0)], 'no_stream');
    const repository = new ProcessRepository(store, clock);

    expect((await repository.load(id)).state.revision).toBe(1);
    await appendElsewhere(store, [completed(1)], 1);
    const loaded = await repository.load(id);

    expect(loaded.state.revision).toBe(2);
    expect(loaded.events.map((e) => e.revision)).toEqual([0, 1, 2]);
    expect(reads).toEqual([0, 2]);
  });

  it('answers reads from its own appends without reading the store', async () => {
    const { store, reads } = countingStore();
    const repository = new ProcessRepository(store, clock);
    await repository.execute(
      id,
      {
        type: 'StartProcess',
        processId: id,
        workflow: 'wf',
        workflowVersion: 1,
        input: {},
        initialState: {},
        by: 'alice',
      },
      ctx,
    );
    const read = await repository.read(id);
    expect(read.state.status).toBe('running');
    expect(read.events).toHaveLength(1);
    expect(reads).toEqual([0]); // the start itself looked for an existing stream, nothing since
  });

  it('drops a fold once an event past it is observed, so the next read goes to the store', async () => {
    const { store, reads } = countingStore();
    await appendElsewhere(store, [started()], 'no_stream');
    const repository = new ProcessRepository(store, clock);
    await repository.load(id);
    const [elsewhere] = (await appendElsewhere(store, [completed(0)], 0)).recorded!;

    repository.observe([elsewhere]);
    expect((await repository.read(id)).state.revision).toBe(1);
    expect(reads).toEqual([0, 0]);
  });

  it.each([
    ['observes them', false],
    ['learns, then observes them (as the runner does)', true],
  ])('keeps its fold when the subscription %s before its own append returns', async (_, learns) => {
    const { store, reads } = countingStore();
    const repository = new ProcessRepository(store, clock);
    const start = {
      type: 'StartProcess' as const,
      processId: id,
      workflow: 'wf',
      workflowVersion: 1,
      input: {},
      initialState: {},
      by: 'alice',
    };
    await repository.execute(id, start, ctx);
    // The subscription delivers what this instance appends, sometimes before the append's own
    // answer is back (the notification and the commit's reply race).
    const append = store.append.bind(store);
    store.append = async (...args) => {
      const result = await append(...args);
      if (learns) repository.learn(id, result.recorded!);
      repository.observe(result.recorded!);
      return result;
    };
    const aborted = await repository.execute(
      id,
      { type: 'AbortProcess', by: 'bob', reason: 'no' },
      ctx,
    );
    expect(aborted.state.status).toBe('aborted');
    const before = reads.length;
    await repository.read(id);
    await repository.loadAtLeast(id, -1);
    expect(reads.length).toBe(before); // the fold followed the append: nothing read again
  });

  it('decides a command on a stale fold, and re-decides after the conflict', async () => {
    const { store } = countingStore();
    await appendElsewhere(store, [started(), inputRequested(0)], 'no_stream');
    const repository = new ProcessRepository(store, clock);
    await repository.load(id); // suspended at revision 1
    await appendElsewhere(
      store,
      [{ type: 'ProcessAborted', data: { by: 'bob', reason: 'no' } }],
      1,
    );

    const cached = (await repository.loadAtLeast(id, -1)).state;
    expect(cached.status).toBe('suspended'); // stale: the abort is not in it
    await expect(
      repository.execute(
        id,
        {
          type: 'GiveConfirmation',
          index: 0,
          by: 'alice',
          roles: ['operator'],
          input: {},
          at: 'T',
        },
        ctx,
        cached,
      ),
    ).rejects.toBeInstanceOf(IllegalStateError);
    expect((await store.readStream(stream)).map((e) => e.type)).toEqual([
      'ProcessStarted',
      'InputRequested',
      'ProcessAborted',
    ]);
  });

  it('never refuses on a stale fold: a refusal is re-taken on a fresh read', async () => {
    const { store } = countingStore();
    await appendElsewhere(store, [started()], 'no_stream');
    const repository = new ProcessRepository(store, clock);
    const stale = (await repository.load(id)).state; // running: a confirmation would be refused
    await appendElsewhere(store, [inputRequested(0)], 0);

    const result = await repository.execute(
      id,
      { type: 'GiveConfirmation', index: 0, by: 'alice', roles: ['operator'], input: {}, at: 'T' },
      ctx,
      stale,
    );
    expect(result.state.status).toBe('running');
    expect(result.state.index).toBe(1);
  });

  it('keeps no more folds than its capacity', async () => {
    const { store, reads } = countingStore();
    const repository = new ProcessRepository(store, clock, 1);
    await appendElsewhere(store, [started()], 'no_stream');
    await store.append(
      processStreamId('p2'),
      [
        {
          type: 'ProcessStarted',
          data: { processId: 'p2', workflow: 'wf', workflowVersion: 1, input: {}, state: {} },
          metadata: {
            at: 'T',
            actor: 'a',
            correlationId: 'c',
            causationId: null,
            schemaVersion: 1,
          },
        },
      ],
      'no_stream',
    );
    await repository.load(id);
    await repository.load('p2'); // evicts p1
    await repository.load(id);
    expect(reads).toEqual([0, 0, 0]); // p1 was read whole again
  });

  it('drives from a whole stream the runner delivered, without reading it', async () => {
    const { store, reads } = countingStore();
    await appendElsewhere(store, [started(), completed(0)], 'no_stream');
    const repository = new ProcessRepository(store, clock);
    const delivered = await store.readAll({ after: 0, limit: 10 });
    reads.length = 0;
    repository.learn(id, delivered);
    repository.observe(delivered);
    const loaded = await repository.loadAtLeast(id, 1);
    expect(loaded.state.revision).toBe(1);
    expect(reads).toEqual([]);
    // Later events continue the fold; queries still confirm it with the store first.
    await appendElsewhere(store, [completed(1)], 1);
    const next = (await store.readAll({ after: 0, limit: 10 })).slice(2);
    repository.learn(id, next);
    repository.observe(next);
    expect((await repository.loadAtLeast(id, 2)).state.revision).toBe(2);
    expect(reads).toEqual([]);
    expect((await repository.read(id)).state.revision).toBe(2);
    expect(reads).toEqual([3]);
  });

  it('learns nothing from delivered events with a gap before them: the drive reads the stream', async () => {
    const { store, reads } = countingStore();
    await appendElsewhere(store, [started(), completed(0), completed(1)], 'no_stream');
    const repository = new ProcessRepository(store, clock);
    const tail = (await store.readAll({ after: 0, limit: 10 })).slice(1);
    reads.length = 0;
    repository.learn(id, tail);
    repository.observe(tail);
    expect((await repository.loadAtLeast(id, 2)).state.revision).toBe(2);
    expect(reads).toEqual([0]);
  });
});
