/**
 * Every unit of workflow code has a deadline: a step that hangs fails (retryable) with its
 * signal aborted, and at the end of a shutdown's grace period a running step is abandoned
 * without an outcome, so the next owner runs it again.
 */
import { StepAbandonedError, StepContextFactory } from '../../src/application/runner/step-context';
import { RuntimeEvent, RuntimeEvents } from '../../src/application/runtime-events';
import { initialProcessState } from '../../src/domain/process/state';
import { WorkflowDefinition, step, workflow } from '../../src/domain/workflow/dsl';
import { systemClock } from '../../src/infrastructure/system';
import { ScriptedRemote } from '../support/scripted-remote';

const definition: WorkflowDefinition = workflow({
  name: 'hangs',
  description: 'hangs',
  target: 'CREATE',
  steps: [step('wait', () => undefined)],
});

const factory = (stepTimeoutMs: number) =>
  new StepContextFactory(systemClock, { uuid: () => 'id' }, new ScriptedRemote(), {
    publicUrl: 'http://x',
    workflowSettings: {},
    timerPollMs: 1000,
    stepTimeoutMs,
  });

describe('step deadlines', () => {
  it('fails a step that outlives its deadline, retryable, and aborts its signal', async () => {
    let seen: AbortSignal | undefined;
    const outcome = await factory(50).run(definition, initialProcessState(), (ctx) => {
      seen = ctx.signal;
      return new Promise<void>(() => undefined); // never settles
    });
    expect(outcome).toEqual({
      ok: false,
      error: { message: 'Step exceeded its deadline of 50 ms', details: null, retryable: true },
      durationMs: expect.any(Number), // for the step duration metric
    });
    expect(seen?.aborted).toBe(true);
  });

  it('leaves a step that finishes in time alone', async () => {
    const outcome = await factory(5_000).run(definition, initialProcessState(), () => ({ a: 1 }));
    expect(outcome).toMatchObject({ ok: true, value: { a: 1 } });
  });

  it('reports each unit of workflow code, with its duration, to RuntimeEvents', async () => {
    const events = new RuntimeEvents();
    const seen: RuntimeEvent[] = [];
    events.events$.subscribe((e) => seen.push(e));
    const contexts = new StepContextFactory(
      systemClock,
      { uuid: () => 'id' },
      new ScriptedRemote(),
      { publicUrl: 'http://x', workflowSettings: {}, timerPollMs: 1000 },
      events,
    );
    await contexts.run(definition, initialProcessState(), () => undefined);
    expect(seen).toEqual([
      { type: 'step-finished', workflow: 'hangs', step: 'wait', ms: expect.any(Number), ok: true },
    ]);
  });

  it('abandons running steps at the end of a shutdown, recording nothing', async () => {
    const contexts = factory(60_000);
    const running = contexts.run(
      definition,
      initialProcessState(),
      (ctx) =>
        new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve())),
    );
    contexts.abandonAll();
    await expect(running).rejects.toBeInstanceOf(StepAbandonedError);
    await expect(
      contexts.run(definition, initialProcessState(), () => undefined),
    ).rejects.toBeInstanceOf(StepAbandonedError);
  });
});
