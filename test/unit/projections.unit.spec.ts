/**
 * The projection framework on the in-memory store: a read model is the same however its events
 * are cut into batches or redelivered, the runner feeds every projection from one subscription,
 * and an online rebuild catches up with events appended while it runs before it swaps.
 */
import { CallbackAuditProjection } from '../../src/application/projections/callback-audit.projection';
import { OnlineRebuilds } from '../../src/application/projections/online-rebuild';
import { Projection } from '../../src/application/projections/projection';
import { SoleOwnership } from '../../src/application/ownership/sole-ownership';
import { OwnershipListener } from '../../src/application/ports/work-ownership';
import { ProcessSummaryProjection } from '../../src/application/projections/process-summary.projection';
import { ProjectionRunner } from '../../src/application/projections/projection-runner';
import { rebuild } from '../../src/application/projections/rebuild';
import { StepLogProjection } from '../../src/application/projections/step-log.projection';
import { EventStore, RecordedEvent } from '../../src/application/ports/event-store';
import { ProcessEvent, processStreamId } from '../../src/domain/process/events';
import { InMemoryCallbackAuditStore } from '../../src/infrastructure/memory/in-memory-callback-audit';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';
import { InMemoryProcessSummaryStore } from '../../src/infrastructure/memory/in-memory-process-summaries';
import { InMemoryStepLogStore } from '../../src/infrastructure/memory/in-memory-step-log';
import { WorkflowRegistry } from '../../src/domain/workflow/registry';
import { actionDone, completed, failed, issued, received, revoked } from './process-fixtures';

/** These tests drive no processes: partitions are taken and handed back with nothing to do. */
const NO_PARTITION_WORK: OwnershipListener = {
  acquired: async () => undefined,
  releasing: async () => undefined,
  lost: () => undefined,
};

const P1 = '00000000-0000-4000-8000-000000000001';
const P2 = '00000000-0000-4000-8000-000000000002';

const startedAs = (processId: string): ProcessEvent => ({
  type: 'ProcessStarted',
  data: { processId, workflow: 'wf', workflowVersion: 1, input: {}, state: {} },
});

const progress = (tokenId: string, n: number): ProcessEvent => ({
  type: 'CallbackProgressReported',
  data: { tokenId, progress: { n } },
});

const rejected = (tokenId: string): ProcessEvent => ({
  type: 'CallbackRejected',
  data: { tokenId, reason: 'invalid_payload', detail: 'return_code must be an integer' },
});

let clock = Date.parse('2026-01-01T00:00:00Z');
const append = async (store: EventStore, processId: string, events: ProcessEvent[]) => {
  const stream = processStreamId(processId);
  const existing = await store.readStream(stream);
  await store.append(
    stream,
    events.map((e) => ({
      type: e.type,
      data: e.data as Record<string, unknown>,
      metadata: {
        at: new Date((clock += 1000)).toISOString(),
        actor: 'test',
        correlationId: 'c',
        causationId: null,
        schemaVersion: 1,
      },
    })),
    existing.length === 0 ? 'no_stream' : existing.length - 1,
  );
};

/** Two processes with interleaved histories: a retried callback step, progress, refusals. */
const seed = async (store: EventStore) => {
  await append(store, P1, [startedAs(P1), completed(0), issued(1, 'a')]);
  await append(store, P2, [startedAs(P2), issued(0, 'b'), actionDone(0, 'b')]);
  await append(store, P1, [actionDone(1, 'a'), progress('a', 1), rejected('a')]);
  await append(store, P1, [progress('a', 2), received('a', { return_code: 2 })]);
  await append(store, P2, [progress('b', 1), received('b'), completed(0, { ok: true })]);
  await append(store, P1, [failed(1), revoked('a', 'step retried')]);
  await append(store, P1, [{ type: 'ProcessRetried', data: { by: 'op', fromIndex: 1 } }]);
  await append(store, P1, [issued(1, 'c'), actionDone(1, 'c')]);
};

const projectionsOver = () => ({
  audit: new CallbackAuditProjection(new InMemoryCallbackAuditStore()),
  steps: new StepLogProjection(new InMemoryStepLogStore()),
});

const contents = async ({ audit, steps }: ReturnType<typeof projectionsOver>) => ({
  audit: await audit.store.ofProcesses([P1, P2]),
  steps: [...(await steps.store.ofProcess(P1)), ...(await steps.store.ofProcess(P2))],
});

const applyInBatches = async (projections: Projection[], events: RecordedEvent[], size: number) => {
  for (let i = 0; i < events.length; i += size) {
    const batch = events.slice(i, i + size);
    for (const p of projections) await p.apply(batch, batch[batch.length - 1].position);
  }
};

describe('projections', () => {
  let store: InMemoryEventStore;
  let all: RecordedEvent[];

  beforeEach(async () => {
    store = new InMemoryEventStore();
    await seed(store);
    all = await store.readAll({ after: 0, limit: 1000 });
  });

  it('derive the same rows whatever the batches, and ignore redeliveries', async () => {
    const whole = projectionsOver();
    await applyInBatches(Object.values(whole), all, all.length);
    const expected = await contents(whole);
    for (const size of [1, 2, 3, 5]) {
      const cut = projectionsOver();
      await applyInBatches(Object.values(cut), all, size);
      // a batch delivered again (the subscription retries after a failure) changes nothing
      for (const p of Object.values(cut)) await p.apply(all.slice(2, 9), all[8].position);
      expect(await contents(cut)).toEqual(expected);
    }
    const [first, second] = expected.audit.get(P1)!;
    expect(first).toMatchObject({
      tokenId: 'a',
      status: 'revoked',
      revokedReason: 'step retried',
      payload: { return_code: 2 },
      progress: [{ progress: { n: 1 } }, { progress: { n: 2 } }],
      rejections: [{ reason: 'invalid_payload' }],
    });
    expect(second).toMatchObject({ tokenId: 'c', status: 'action_completed' });
    expect(expected.steps.map((s) => [s.processId === P1, s.index, s.status])).toEqual([
      [true, 0, 'completed'],
      [true, 1, 'failed'],
      [true, 1, 'awaiting_callback'],
      [false, 0, 'completed'],
    ]);
    // issued at 5 s, completed at 14 s (each event one second after the one before)
    expect(expected.steps[3]).toMatchObject({ delta: { ok: true }, durationMs: 9000 });
  });

  it('use what they remember of a process only where its next batch continues it', async () => {
    const whole = projectionsOver();
    await applyInBatches(Object.values(whole), all, all.length);
    const expected = await contents(whole);
    for (const [from, to] of [
      [4, 9],
      [6, 11],
      [3, 14],
    ]) {
      // This instance applies the start and remembers what it wrote…
      const here = projectionsOver();
      await applyInBatches(Object.values(here), all.slice(0, from), 2);
      // …another (which held the role meanwhile) writes the middle into the same tables…
      const there = {
        audit: new CallbackAuditProjection(here.audit.store),
        steps: new StepLogProjection(here.steps.store),
      };
      await applyInBatches(Object.values(there), all.slice(from, to), 2);
      // …and this one, given the role back, must read those rows instead of its stale memory.
      await applyInBatches(Object.values(here), all.slice(to), 2);
      expect(await contents(here)).toEqual(expected);
    }
  });

  it('show a parked process as parked in the list, the counts and its open step, until retried', async () => {
    const P3 = '00000000-0000-4000-8000-000000000003';
    const parkedStore = new InMemoryEventStore();
    await append(parkedStore, P3, [startedAs(P3), issued(0, 'p'), actionDone(0, 'p')]);
    await append(parkedStore, P3, [
      { type: 'ProcessParked', data: { reason: 'unreadable event', attempts: 5 } },
    ]);
    const list = new ProcessSummaryProjection(
      new InMemoryProcessSummaryStore(),
      new WorkflowRegistry(),
    );
    const live = { ...projectionsOver(), list };
    const applyAll = async () => {
      const events = await parkedStore.readAll({ after: await list.position(), limit: 100 });
      for (const p of Object.values(live))
        await p.apply(events, events[events.length - 1].position);
    };
    await applyAll();
    const [row] = (await list.store.list({ limit: 10 })).items;
    expect(row).toMatchObject({ status: 'parked', failedReason: 'parked: unreadable event' });
    expect((await list.store.list({ status: 'parked', limit: 10 })).items).toHaveLength(1);
    expect((await list.store.counts()).byStatus).toEqual({ parked: 1 });
    expect(await live.steps.store.ofProcess(P3)).toMatchObject([
      { index: 0, status: 'parked', finishedAt: null },
    ]);
    // Parking changes no token: the audit reads as before.
    expect((await live.audit.store.ofProcesses([P3])).get(P3)).toMatchObject([
      { tokenId: 'p', status: 'action_completed' },
    ]);

    await append(parkedStore, P3, [{ type: 'ProcessUnparked', data: { by: 'op' } }]);
    await applyAll();
    expect((await list.store.list({ limit: 10 })).items[0]).toMatchObject({
      status: 'awaiting_callback',
      failedReason: null,
    });
    expect((await list.store.counts()).byStatus).toEqual({ awaiting_callback: 1 });
    expect(await live.steps.store.ofProcess(P3)).toMatchObject([
      { index: 0, status: 'running', finishedAt: null },
    ]);
  });

  describe('runner and online rebuild', () => {
    let runner: ProjectionRunner;
    let live: ReturnType<typeof projectionsOver>;

    const caughtUp = async () => {
      const head = await store.headPosition();
      const deadline = Date.now() + 10_000;
      while ((await runner.where()).some((p) => p.position < head)) {
        if (Date.now() > deadline) throw new Error('runner did not catch up');
        await new Promise((r) => setTimeout(r, 5));
      }
    };

    let ownership: SoleOwnership;

    beforeEach(async () => {
      live = projectionsOver();
      ownership = new SoleOwnership();
      runner = new ProjectionRunner(store, Object.values(live), ownership);
      runner.onApplicationBootstrap();
      // The runner follows the store only while its instance holds the projections' role.
      expect(runner.running).toBe(false);
      await ownership.start(NO_PARTITION_WORK);
      expect(runner.running).toBe(true);
      await caughtUp();
    });
    afterEach(async () => {
      await ownership.stop();
      expect(runner.running).toBe(false);
    });

    it('feeds every projection from one subscription, each with its own checkpoint', async () => {
      const reference = projectionsOver();
      await rebuild(store, Object.values(reference));
      expect(await contents(live)).toEqual(await contents(reference));
      const head = await store.headPosition();
      expect(await live.audit.position()).toBe(head);
      expect(await live.steps.position()).toBe(head);
    });

    it('rebuilds online, catching up with events appended meanwhile, then swaps', async () => {
      // Appends land while the shadow is being built: after its first read of the store.
      const readAll = store.readAll.bind(store);
      let appended = false;
      jest.spyOn(store, 'readAll').mockImplementation(async (options) => {
        const page = await readAll(options);
        if (!appended) {
          appended = true;
          await append(store, P2, [progress('b', 9), completed(1)]);
          await append(store, P1, [progress('c', 1)]);
        }
        return page;
      });
      const rebuilds = new OnlineRebuilds(store, { now: () => new Date() }, runner);
      expect(rebuilds.start('callback-audit')).toMatchObject({ state: 'running' });
      const status = await rebuilds.settled('callback-audit');
      expect(status).toMatchObject({ state: 'completed', error: null });
      expect(status.events).toBe((await store.readAll({ after: 0, limit: 1000 })).length);
      await caughtUp();
      const reference = projectionsOver();
      await rebuild(store, Object.values(reference));
      expect(await contents(live)).toEqual(await contents(reference));
      expect((await live.audit.store.ofProcesses([P1])).get(P1)![1].progress).toHaveLength(1);
    });

    it('refuses a second rebuild of the same projection while one runs', async () => {
      const rebuilds = new OnlineRebuilds(store, { now: () => new Date() }, runner);
      rebuilds.start('step-log');
      expect(() => rebuilds.start('step-log')).toThrow('already running');
      await rebuilds.settled('step-log');
      expect(() => rebuilds.start('nope')).toThrow('Unknown projection');
    });

    it('run on one instance only: another reports the stored checkpoints and refuses rebuilds', async () => {
      // A second instance whose ownership never hands it the role (the first one holds it).
      const elsewhere = new ProjectionRunner(store, Object.values(projectionsOver()), {
        partitionCount: 1,
        holds: () => false,
        fenceOf: () => undefined,
        roleFence: () => undefined,
        start: async () => undefined,
        watchRole: () => undefined,
        stop: async () => undefined,
      });
      elsewhere.onApplicationBootstrap();
      expect(elsewhere.running).toBe(false);
      expect(await elsewhere.where()).toEqual([
        { name: 'callback-audit', version: 1, position: 0 },
        { name: 'step-log', version: 1, position: 0 },
      ]);
      const rebuilds = new OnlineRebuilds(store, { now: () => new Date() }, elsewhere);
      expect(() => rebuilds.start('step-log')).toThrow('does not run the projections');
      // The instance holding the role is unaffected and reports where it got to.
      const head = await store.headPosition();
      expect((await runner.where()).map((p) => p.position)).toEqual([head, head]);
    });
  });
});
