/**
 * The runner's step semantics, driven by hand on the in-memory store with a fake clock: no
 * subscription, no sleeping. Covers conditional and grouped steps, retry with backoff, callback
 * timeouts, failures, token redaction and workflow version pinning.
 */
import {
  ReportProgressCommand,
  ReportProgressHandler,
} from '../../src/application/commands/report-progress';
import { NewEvent } from '../../src/application/ports/event-store';
import { StoreUnavailableError } from '../../src/application/ports/store-errors';
import { ProcessFailureError, RetryableStepError } from '../../src/domain/errors';
import {
  callbackStep,
  conditional,
  retryStep,
  step,
  stepGroup,
  workflow,
} from '../../src/domain/workflow/dsl';
import { WorkflowRegistry } from '../../src/domain/workflow/registry';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';
import { ScriptedRemote } from '../support/scripted-remote';
import { wireRunner } from '../support/runner-wiring';

class FakeClock {
  constructor(private current = new Date('2026-01-01T00:00:00.000Z')) {}
  now = () => new Date(this.current);
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

const setup = (registry: WorkflowRegistry) => {
  const store = new InMemoryEventStore();
  const clock = new FakeClock();
  let n = 0;
  const ids = { uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };
  const remote = new ScriptedRemote();
  const runtime = { publicUrl: 'http://baton.test', workflowSettings: {}, timerPollMs: 1000 };
  const { repository, driver } = wireRunner(store, registry, { clock, ids, remote, runtime });
  const ctx = { actor: 'test', correlationId: 'c', causationId: null };
  const start = async (name: string, version = 1) => {
    const id = ids.uuid();
    await repository.execute(
      id,
      {
        type: 'StartProcess',
        processId: id,
        workflow: name,
        workflowVersion: version,
        input: {},
        initialState: {},
        by: 'alice',
      },
      ctx,
    );
    return id;
  };
  /** Drives until the process stops changing: what the subscription would do, event by event. */
  const settle = async (id: string) => {
    for (let guard = 0; guard < 100; guard++) {
      const before = (await repository.load(id)).state.revision;
      await driver.drive(id, { eventId: 'test', revision: before });
      if ((await repository.load(id)).state.revision === before)
        return (await repository.load(id)).state;
    }
    throw new Error('process did not settle');
  };
  const types = async (id: string) => (await store.readStream(`process-${id}`)).map((e) => e.type);
  return { store, clock, remote, repository, driver, start, settle, types };
};

describe('process runner', () => {
  it('skips conditional steps, prefixes grouped ones and merges state in order', async () => {
    const registry = new WorkflowRegistry().register(
      workflow({
        name: 'demo',
        description: 'demo',
        target: 'SYSTEM',
        steps: [
          step('set a', () => ({ a: 1 })),
          conditional((s) => s.a === 2, [step('only when a is 2', () => ({ never: true }))]),
          stepGroup('pair', [
            step('x', (s) => ({ x: Number(s.a) + 1 })),
            step('y', (s) => ({ y: Number(s.x) + 1 })),
          ]),
        ],
      }),
    );
    expect(registry.latest('demo').steps.map((s) => s.name)).toEqual([
      'set a',
      'only when a is 2',
      'pair / x',
      'pair / y',
    ]);
    const r = setup(registry);
    const id = await r.start('demo');
    const state = await r.settle(id);
    expect(state.status).toBe('completed');
    expect(state.state).toEqual({ a: 1, x: 2, y: 3 });
    expect(await r.types(id)).toEqual([
      'ProcessStarted',
      'StepCompleted',
      'StepSkipped',
      'StepCompleted',
      'StepCompleted',
      'ProcessCompleted',
    ]);
  });

  it('retries a retryStep with exponential backoff on the clock, then succeeds', async () => {
    let calls = 0;
    const registry = new WorkflowRegistry().register(
      workflow({
        name: 'flaky',
        description: '',
        target: 'SYSTEM',
        steps: [
          retryStep(
            'call flaky API',
            () => {
              calls++;
              if (calls < 3) throw new Error(`timeout #${calls}`);
              return { ok: true };
            },
            { maxAttempts: 3, initialDelayMs: 1000, backoffFactor: 2 },
          ),
        ],
      }),
    );
    const r = setup(registry);
    const id = await r.start('flaky');
    let state = await r.settle(id);
    expect(state).toMatchObject({ status: 'waiting', retryAt: '2026-01-01T00:00:01.000Z' });
    await r.driver.wake(id); // not due yet
    expect((await r.repository.load(id)).state.status).toBe('waiting');
    r.clock.advance(1000);
    await r.driver.wake(id);
    state = await r.settle(id);
    expect(state).toMatchObject({ status: 'waiting', retryAt: '2026-01-01T00:00:03.000Z' });
    r.clock.advance(2000);
    await r.driver.wake(id);
    state = await r.settle(id);
    expect(state.status).toBe('completed');
    expect(calls).toBe(3);
  });

  it('fails a retryStep for good once its attempts are used up, or at once on a non-retryable error', async () => {
    const registry = new WorkflowRegistry()
      .register(
        workflow({
          name: 'always',
          description: '',
          target: 'SYSTEM',
          steps: [
            retryStep(
              'down',
              () => {
                throw new RetryableStepError('503');
              },
              { maxAttempts: 2 },
            ),
          ],
        }),
      )
      .register(
        workflow({
          name: 'fatal',
          description: '',
          target: 'SYSTEM',
          steps: [
            retryStep('bad', () => {
              throw new ProcessFailureError('bad input', { field: 'vlan' });
            }),
          ],
        }),
      );
    const r = setup(registry);
    const always = await r.start('always');
    expect((await r.settle(always)).status).toBe('waiting');
    r.clock.advance(60_000);
    await r.driver.wake(always);
    const exhausted = await r.settle(always);
    expect(exhausted).toMatchObject({ status: 'failed', retryAt: null });
    expect(exhausted.attempts[0]).toBe(2);
    const fatal = await r.settle(await r.start('fatal'));
    expect(fatal.status).toBe('failed');
    expect(fatal.failure?.error).toEqual({
      message: 'bad input',
      details: { field: 'vlan' },
      retryable: false,
    });
  });

  it('expires a callback after its timeout and fails the step', async () => {
    const registry = new WorkflowRegistry().register(
      workflow({
        name: 'cb',
        description: '',
        target: 'SYSTEM',
        steps: [
          callbackStep({ name: 'wait', action: step('post', () => undefined), timeoutMs: 60_000 }),
        ],
      }),
    );
    const r = setup(registry);
    const id = await r.start('cb');
    const awaiting = await r.settle(id);
    expect(awaiting.status).toBe('awaiting_callback');
    expect(awaiting.tokens[0].expiresAt).toBe('2026-01-01T00:01:00.000Z');
    r.clock.advance(59_999);
    await r.driver.wake(id);
    expect((await r.repository.load(id)).state.status).toBe('awaiting_callback');
    r.clock.advance(1);
    await r.driver.wake(id);
    const expired = (await r.repository.load(id)).state;
    expect(expired).toMatchObject({
      status: 'failed',
      failure: { error: { message: 'Callback timed out' } },
    });
    expect(expired.tokens[0].status).toBe('expired');
  });

  it('keeps a callback with a heartbeat alive while progress reports arrive, up to its hard timeout', async () => {
    let callbackUrl = '';
    const registry = new WorkflowRegistry().register(
      workflow({
        name: 'heartbeat',
        description: '',
        target: 'SYSTEM',
        steps: [
          callbackStep({
            name: 'long job',
            action: step('post', (_s, ctx) => void (callbackUrl = ctx.callbackUrl!)),
            heartbeatTimeoutMs: 30_000,
            timeoutMs: 100_000,
          }),
        ],
      }),
    );
    const r = setup(registry);
    const progress = new ReportProgressHandler(r.repository, registry, r.clock, {
      publicUrl: 'http://baton.test',
      workflowSettings: {},
      timerPollMs: 1000,
    });
    const report = (id: string) =>
      progress.execute(
        new ReportProgressCommand(id, callbackUrl.split('/callback/')[1], 'still running', 'c'),
      );
    const id = await r.start('heartbeat');
    expect((await r.settle(id)).tokens[0].expiresAt).toBe('2026-01-01T00:00:30.000Z');
    for (let second = 20; second <= 80; second += 20) {
      r.clock.advance(20_000);
      await report(id); // a sign of life every 20 s keeps the 30 s heartbeat from firing
      await r.driver.wake(id);
      expect((await r.repository.load(id)).state.status).toBe('awaiting_callback');
    }
    // At 80 s the heartbeat would allow 110 s, but the hard timeout caps it at 100 s.
    expect((await r.repository.load(id)).state.tokens[0].expiresAt).toBe(
      '2026-01-01T00:01:40.000Z',
    );
    r.clock.advance(20_000);
    await r.driver.wake(id);
    expect((await r.repository.load(id)).state).toMatchObject({
      status: 'failed',
      failure: { error: { message: 'Callback timed out' } },
    });
  });

  it('expires a callback whose runner falls silent for longer than its heartbeat', async () => {
    const registry = new WorkflowRegistry().register(
      workflow({
        name: 'silent',
        description: '',
        target: 'SYSTEM',
        steps: [
          callbackStep({
            name: 'job',
            action: step('post', () => undefined),
            heartbeatTimeoutMs: 30_000,
          }),
        ],
      }),
    );
    const r = setup(registry);
    const id = await r.start('silent');
    await r.settle(id);
    r.clock.advance(30_000);
    await r.driver.wake(id);
    expect((await r.repository.load(id)).state.status).toBe('failed');
  });

  it('never records the plaintext token, even when the action echoes its callback URL in an error', async () => {
    let handedOut = '';
    const registry = new WorkflowRegistry().register(
      workflow({
        name: 'leaky',
        description: '',
        target: 'SYSTEM',
        steps: [
          callbackStep({
            name: 'wait',
            action: step('post', (_s, ctx) => {
              handedOut = ctx.callbackUrl!;
              throw new ProcessFailureError(`could not reach runner for ${ctx.callbackUrl}`, {
                callback: ctx.callbackUrl,
              });
            }),
          }),
        ],
      }),
    );
    const r = setup(registry);
    const id = await r.start('leaky');
    const state = await r.settle(id);
    const token = handedOut.split('/callback/')[1];
    expect(token).toHaveLength(43);
    expect(state.status).toBe('failed');
    expect(state.failure?.error.message).toContain('[redacted]');
    expect(JSON.stringify(await r.store.readStream(`process-${id}`))).not.toContain(token);
  });

  it('fails a step that returns something other than an object', async () => {
    const registry = new WorkflowRegistry().register(
      workflow({
        name: 'odd',
        description: '',
        target: 'SYSTEM',
        steps: [step('returns a number', () => 42 as unknown as undefined)],
      }),
    );
    const r = setup(registry);
    const state = await r.settle(await r.start('odd'));
    expect(state.failure?.error.message).toBe('A step must return an object (or nothing)');
  });

  it('keeps running the workflow version a process started with', async () => {
    const v1 = workflow({
      name: 'evolving',
      description: '',
      target: 'SYSTEM',
      version: 1,
      steps: [step('old step', () => ({ by: 'v1' }))],
    });
    const v2 = workflow({
      name: 'evolving',
      description: '',
      target: 'SYSTEM',
      version: 2,
      steps: [step('new step', () => ({ by: 'v2' }))],
    });
    const registry = new WorkflowRegistry().register(v1);
    const r = setup(registry);
    const id = await r.start('evolving', 1);
    registry.register(v2);
    expect(registry.latest('evolving').version).toBe(2);
    const state = await r.settle(id);
    expect(state.state).toEqual({ by: 'v1' });
    expect(() => registry.register(v2)).toThrow('already registered');
  });

  it('does not record a store outage while saving an outcome as the step failing', async () => {
    let calls = 0;
    const registry = new WorkflowRegistry().register(
      workflow({
        name: 'outage',
        description: '',
        target: 'SYSTEM',
        steps: [
          step('count', () => ({ calls: ++calls })),
          callbackStep({ name: 'wait', action: step('post', () => undefined) }),
        ],
      }),
    );
    const r = setup(registry);
    const id = await r.start('outage');
    // The store goes away exactly when the runner records each outcome.
    const append = r.store.append.bind(r.store);
    const failOn = new Set(['StepCompleted', 'CallbackActionCompleted']);
    r.store.append = async (stream: string, events: NewEvent[], expected) => {
      if (failOn.delete(events[0].type)) throw new StoreUnavailableError('connection refused');
      return append(stream, events, expected);
    };
    const cause = { eventId: 'test', revision: 0 };
    await expect(r.driver.drive(id, cause)).rejects.toBeInstanceOf(StoreUnavailableError);
    // The subscription redelivers: the step runs again (at least once), and the drive goes on
    // into the callback step, whose action's outcome cannot be recorded either.
    await expect(r.driver.drive(id, cause)).rejects.toBeInstanceOf(StoreUnavailableError);
    const state = await r.settle(id);
    expect(calls).toBe(2);
    expect(state.status).toBe('awaiting_callback');
    expect(state.state.calls).toBe(2);
    // The unconfirmed action is re-issued with a new token, not failed.
    expect(state.tokens.map((t) => t.status)).toEqual(['revoked', 'open']);
    expect(await r.types(id)).not.toContain('StepFailed');
  });

  it('rejects workflows with duplicate step names', () => {
    expect(() =>
      workflow({
        name: 'dup',
        description: '',
        target: 'SYSTEM',
        steps: [step('same', () => undefined), step('same', () => undefined)],
      }),
    ).toThrow('duplicate step name "same"');
  });
});
