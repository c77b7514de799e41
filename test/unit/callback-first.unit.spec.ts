/**
 * Callback first: once a callback step's action returns, a callback already on its way gets up
 * to `callbackGraceMs` to append before the action's return is recorded, and when it does, the
 * return is not recorded at all (the callback proves the action ran). In-memory store and a
 * fake clock for the process; the grace itself runs on real timers.
 */
import {
  ReceiveCallbackCommand,
  ReceiveCallbackHandler,
} from '../../src/application/commands/receive-callback';
import {
  ReportProgressCommand,
  ReportProgressHandler,
} from '../../src/application/commands/report-progress';
import { callbackStep, step, workflow } from '../../src/domain/workflow/dsl';
import { WorkflowRegistry } from '../../src/domain/workflow/registry';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';
import { ScriptedRemote } from '../support/scripted-remote';
import { wireRunner } from '../support/runner-wiring';

const registry = new WorkflowRegistry().register(
  workflow({
    name: 'provision',
    description: '',
    target: 'SYSTEM',
    steps: [
      callbackStep({
        name: 'run playbook',
        action: step('post', (_s, ctx) =>
          ctx.http.post('http://runner.test/run', { callback: ctx.callbackUrl }),
        ),
      }),
    ],
  }),
);

const clock = { now: () => new Date('2026-01-01T00:00:00.000Z') };
let n = 0;
/** Shared by every instance of a test, as random ids would never collide between them. */
const ids = { uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };

/** One instance: a repository, a runner and the two command handlers a remote calls. */
const instance = (store: InMemoryEventStore, remote: ScriptedRemote, callbackGraceMs: number) => {
  const runtime = {
    publicUrl: 'http://baton.test',
    workflowSettings: {},
    timerPollMs: 1000,
    callbackGraceMs,
  };
  const { repository, driver } = wireRunner(store, registry, { clock, ids, remote, runtime });
  const receiving = new ReceiveCallbackHandler(repository, registry, runtime);
  const reporting = new ReportProgressHandler(repository, registry, clock, runtime);
  const tokenOf = (url: string) => url.split('/callback/')[1];
  /** The commands this instance's writers executed: an early return executes none. */
  const executed: string[] = [];
  const execute = repository.execute.bind(repository);
  repository.execute = (processId, command, context, known) => {
    executed.push(command.type);
    return execute(processId, command, context, known);
  };
  return {
    repository,
    executed,
    drive: async (id: string) =>
      driver.drive(id, { eventId: 'test', revision: (await repository.load(id)).state.revision }),
    callBack: (id: string, url: string) =>
      receiving.execute(
        new ReceiveCallbackCommand(id, tokenOf(url), Buffer.from('{"return_code":0}'), 'c'),
      ),
    report: (id: string, url: string) =>
      reporting.execute(new ReportProgressCommand(id, tokenOf(url), 'PLAY [all]', 'c')),
  };
};

const setup = (callbackGraceMs: number) => {
  const store = new InMemoryEventStore();
  const remote = new ScriptedRemote();
  const service = instance(store, remote, callbackGraceMs);
  const start = async (id = '11111111-1111-4111-8111-111111111111') => {
    await service.repository.execute(
      id,
      {
        type: 'StartProcess',
        processId: id,
        workflow: 'provision',
        workflowVersion: 1,
        input: {},
        initialState: {},
        by: 'alice',
      },
      { actor: 'test', correlationId: 'c', causationId: null },
    );
    return id;
  };
  const types = async (id: string) => (await store.readStream(`process-${id}`)).map((e) => e.type);
  return { store, remote, service, start, types };
};

/**
 * What a callback that went first leaves: its own events right after the token (and whatever
 * `between` names), no record of the action's return, not even an attempt at one, and a drive
 * that did not sit out the 20 s grace.
 */
const expectCallbackWentFirst = async (
  { service, types }: ReturnType<typeof setup>,
  id: string,
  began: number,
  between: string[] = [],
) => {
  expect(Date.now() - began).toBeLessThan(10_000);
  expect(await types(id)).toEqual([
    'ProcessStarted',
    'CallbackIssued',
    ...between,
    'CallbackReceived',
    'StepCompleted',
    'ProcessCompleted',
  ]);
  expect(service.executed).not.toContain('CompleteCallbackAction');
};

/**
 * Drives the process and calls back once the action has returned, 20 ms later (after `first`,
 * if given, with the callback URL): a callback on its way while the runner is in its grace.
 */
const driveAndCallBack = async (
  { remote, service }: ReturnType<typeof setup>,
  id: string,
  first?: (url: string) => Promise<unknown>,
): Promise<number> => {
  const began = Date.now();
  const driving = service.drive(id);
  const url = await remote.callbackUrl(1);
  await first?.(url);
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await service.callBack(id, url)).toBe('accepted');
  await driving;
  return began;
};

describe('callback first', () => {
  it('lets a callback that arrives in the grace append first, and records no action return', async () => {
    const env = setup(20_000);
    const id = await env.start();
    const began = await driveAndCallBack(env, id);

    // The grace ended with the callback, and the drive went on to validate and complete the step.
    await expectCallbackWentFirst(env, id, began);
  }, 30_000);

  it('records the action return once the grace has passed without a callback', async () => {
    const { remote, service, start, types } = setup(30);
    const id = await start();
    await service.drive(id);

    expect(await types(id)).toEqual([
      'ProcessStarted',
      'CallbackIssued',
      'CallbackActionCompleted',
    ]);
    expect((await service.repository.load(id)).state.status).toBe('awaiting_callback');
    // The callback that comes later is taken as always.
    expect(await service.callBack(id, await remote.callbackUrl(1))).toBe('accepted');
    await service.drive(id);
    expect((await service.repository.load(id)).state.status).toBe('completed');
  });

  it('keeps the grace through progress reports: the callback still goes first', async () => {
    const env = setup(20_000);
    const id = await env.start();
    const began = await driveAndCallBack(env, id, (url) => env.service.report(id, url));

    await expectCallbackWentFirst(env, id, began, ['CallbackProgressReported']);
  }, 30_000);

  it('gives the grace after progress reported while the action ran, too', async () => {
    const env = setup(20_000);
    const id = await env.start();
    // The runner reports progress before its answer to the action is back.
    env.remote.beforeAnswer = async (request) => {
      await env.service.report(id, String(request.body.callback));
    };
    const began = await driveAndCallBack(env, id);

    await expectCallbackWentFirst(env, id, began, ['CallbackProgressReported']);
  }, 30_000);

  it('hears of a callback taken by another instance through its subscription', async () => {
    const env = setup(20_000);
    const { store, remote, service, start } = env;
    const other = instance(store, remote, 20_000);
    // What the runner's subscription does for the repository: tell it of every event.
    const following = store.subscribeAll(0, async (events) => service.repository.observe(events));
    try {
      const id = await start();
      const began = Date.now();
      const driving = service.drive(id);
      expect(await other.callBack(id, await remote.callbackUrl(1))).toBe('accepted');
      await driving;

      await expectCallbackWentFirst(env, id, began);
    } finally {
      await following.close();
    }
  }, 30_000);

  it('leaves a crash in the grace as one during the action: a restarted runner issues a new token', async () => {
    const { store, remote, start, types } = setup(0);
    // The instance that crashes: once dead, its store calls fail (nothing it does lands).
    let dead = false;
    const mortalStore = new Proxy(store, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          dead
            ? Promise.reject(new Error('the instance has crashed'))
            : (value as (...a: unknown[]) => unknown).apply(target, args);
      },
    });
    const crashing = instance(mortalStore, remote, 300);
    const id = await start();
    const crashed = crashing.drive(id).catch(() => undefined);
    await remote.callbackUrl(1);
    dead = true; // the action has returned: the instance dies in the grace

    // What the store holds: the token, and no record of the action's return.
    expect(await types(id)).toEqual(['ProcessStarted', 'CallbackIssued']);
    const restarted = instance(store, remote, 0);
    await restarted.drive(id);
    expect((await restarted.repository.load(id)).state.tokens.map((t) => t.status)).toEqual([
      'revoked',
      'open',
    ]);
    expect(remote.requests).toHaveLength(2); // the action ran again, with a new token
    const newUrl = await remote.callbackUrl(2);
    expect(newUrl).not.toBe(await remote.callbackUrl(1));
    expect(await restarted.callBack(id, newUrl)).toBe('accepted');
    await restarted.drive(id);
    expect((await restarted.repository.load(id)).state.status).toBe('completed');
    await crashed; // its grace over, its store calls fail: it adds nothing
    expect(await types(id)).toEqual([
      'ProcessStarted',
      'CallbackIssued',
      'CallbackRevoked',
      'CallbackIssued',
      'CallbackActionCompleted', // the restarted runner's, which has no grace
      'CallbackReceived',
      'StepCompleted',
      'ProcessCompleted',
    ]);
  });
});
