/**
 * The test kit on Baton's own engine: virtual time skips a one-hour retry back-off and a
 * 24-hour callback timeout, callbacks go through the real callback command (exactly once,
 * token checks, payload validation), and a request the script did not expect fails the test
 * with a message that says which step made it.
 */
import { IsInt } from 'class-validator';
import { RetryableStepError } from '../../src/domain/errors';
import { callbackStep, inputStep, retryStep, step, workflow } from '../../src/domain/workflow/dsl';
import {
  CommandRefusedError,
  createTestEnvironment,
  ProcessAssertionError,
  UnexpectedRequestError,
} from '../../src/testing';

class RunResult {
  @IsInt()
  return_code!: number;
}

class Approval {
  @IsInt()
  ticket!: number;
}

const HOUR = 3_600_000;

let reservations = 0;
const slowInventory = workflow({
  name: 'slow_inventory',
  description: 'Retries an hour apart, then waits up to a day for a runner',
  target: 'SYSTEM',
  steps: [
    retryStep(
      'Reserve capacity',
      async (_state, ctx) => {
        const answer = await ctx.http.post('http://inventory.test/reserve', {});
        if (answer.status === 503) throw new RetryableStepError('inventory busy');
        reservations += 1;
        return { reservation: (answer.body as { id: string }).id };
      },
      { maxAttempts: 3, initialDelayMs: HOUR, backoffFactor: 2, maxDelayMs: 4 * HOUR },
    ),
    callbackStep({
      name: 'Run playbook',
      action: step('Run playbook', async (_state, ctx) => {
        await ctx.http.post('http://runner.test/run', { callback: ctx.callbackUrl });
      }),
      payload: RunResult,
      timeoutMs: 24 * HOUR,
    }),
    inputStep('Approve', { assignee: 'NOC', roles: ['noc'] }, () => ({
      title: 'Approve the change',
      form: Approval,
    })),
  ],
});

const environment = () =>
  createTestEnvironment({ workflows: [slowInventory], startAt: '2026-03-01T00:00:00.000Z' });

describe('test kit', () => {
  beforeEach(() => (reservations = 0));

  it('skips a one-hour retry back-off and a 24-hour callback timeout in virtual time', async () => {
    const env = environment();
    env.remote
      .oncePost('http://inventory.test/reserve', { status: 503 })
      .onPost('http://inventory.test/reserve', { status: 201, body: { id: 'r-1' } })
      .onPost('http://runner.test/run', { status: 202 });
    const p = await env.start('slow_inventory');

    await p.expectStatus('waiting');
    const [failed] = await p.expectEventsInOrder({
      type: 'StepFailed',
      data: { name: 'Reserve capacity', retryAt: '2026-03-01T01:00:00.000Z' },
    });
    expect(failed.at).toBe('2026-03-01T00:00:00.000Z');

    await env.advance('59m');
    await p.expectStatus('waiting');
    await env.advance('1m');
    await p.expectStatus('awaiting_callback');
    expect(reservations).toBe(1);
    const issued = await p.expectEventsInOrder('ProcessRetried', 'CallbackIssued');
    expect(issued[0].at).toBe('2026-03-01T01:00:00.000Z');
    expect(issued[1].data.expiresAt).toBe('2026-03-02T01:00:00.000Z');

    await env.advance('24h');
    await p.expectStatus('failed');
    const [expired] = await p.expectEventsInOrder('CallbackExpired', {
      type: 'StepFailed',
      data: { name: 'Run playbook', error: { message: 'Callback timed out' } },
    });
    expect(expired.at).toBe('2026-03-02T01:00:00.000Z');
    expect(env.clock.now().toISOString()).toBe('2026-03-02T01:00:00.000Z');

    // The late callback hits an expired token: 410, recorded, nothing else changes.
    const late = await p.deliver({ return_code: 0 });
    expect(late).toEqual({ status: 410, message: 'Callback token has expired' });
    await p.expectStatus('failed');
    await env.close();
  });

  it('fails the test with a readable message when a step makes a request nobody scripted', async () => {
    const env = environment();
    env.remote.onPost('http://inventory.test/reserve', { status: 201, body: { id: 'r-1' } });
    const started = env.start('slow_inventory');
    await expect(started).rejects.toThrow(UnexpectedRequestError);
    await expect(started).rejects.toThrow(
      [
        /^Step "Run playbook" of process 00000000-0000-4000-8000-000000000001 made a request the script did not expect:$/m,
      ][0],
    );
    const error = (await started.catch((e: Error) => e)) as Error;
    expect(error.message).toContain('  POST http://runner.test/run');
    expect(error.message).toContain('body: {"callback":"http://baton.test/api/processes/');
    expect(error.message).toContain('Scripted routes:\n  POST http://inventory.test/reserve');
    await env.close();
  });

  it('delivers valid, invalid, duplicate and conflicting callbacks through the callback command', async () => {
    const env = environment();
    env.remote
      .onPost('http://inventory.test/reserve', { status: 201, body: { id: 'r-1' } })
      .onPost('http://runner.test/run', { status: 202 });
    const p = await env.start('slow_inventory');
    expect(p.requests().map((r) => [r.url, r.step])).toEqual([
      ['http://inventory.test/reserve', 'Reserve capacity'],
      ['http://runner.test/run', 'Run playbook'],
    ]);
    expect(p.requests()[1].body).toEqual({ callback: p.callbackUrl() });

    expect(await p.deliver('not json')).toMatchObject({ status: 400 });
    expect(await p.deliver({ return_code: 'zero' })).toMatchObject({
      status: 400,
      message: expect.stringContaining('return_code must be an integer number'),
    });
    await p.expectStatus('awaiting_callback'); // the token stays open after a bad payload

    const progress = await p.progress({ percent: 50 });
    expect(progress).toEqual({ status: 200, answer: 'accepted' });
    expect((await p.detail()).callback?.lastProgress).toEqual({ percent: 50 });

    expect(await p.callback({ return_code: 0 })).toEqual({ status: 200, answer: 'accepted' });
    expect(await p.deliver({ return_code: 0 })).toEqual({ status: 200, answer: 'duplicate' });
    expect(await p.deliver({ return_code: 1 })).toMatchObject({ status: 409 });
    await p.expectEventsInOrder(
      { type: 'CallbackRejected', data: { reason: 'invalid_payload' } },
      { type: 'CallbackRejected', data: { reason: 'invalid_payload' } },
      'CallbackProgressReported',
      { type: 'CallbackReceived', data: { payload: { return_code: 0 } } },
      { type: 'CallbackRejected', data: { reason: 'already_used' } },
    );
    const received = (await p.eventTypes()).filter((t) => t === 'CallbackReceived');
    expect(received).toHaveLength(1);
    await p.expectState({ callback_result: { return_code: 0 }, reservation: 'r-1' });
    await env.close();
  });

  it('confirms forms with validation and role checks, and retries and aborts', async () => {
    const env = environment();
    env.remote
      .onPost('http://inventory.test/reserve', { status: 201, body: { id: 'r-1' } })
      .onPost('http://runner.test/run', { status: 202 });
    const p = await env.start('slow_inventory');
    await p.callback({ return_code: 0 });
    const form = await p.expectForm({
      title: 'Approve the change',
      fields: ['ticket'],
      roles: ['noc'],
    });
    expect(form.assignee).toBe('NOC');

    const noc = { name: 'nina', roles: ['noc'] };
    await expect(p.confirm({ ticket: 7 })).rejects.toThrow(
      'Confirming the form of process 00000000-0000-4000-8000-000000000001 was refused (403 FORBIDDEN): This step may only be confirmed by: noc',
    );
    const invalid = await p.confirm({ ticket: 'seven' }, { as: noc }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(CommandRefusedError);
    expect((invalid as CommandRefusedError).status).toBe(400);
    expect((invalid as Error).message).toContain('ticket: ticket must be an integer number');

    await p.confirm({ ticket: 7 }, { as: noc });
    await p.expectStatus('completed');
    await p.expectState({ ticket: 7 });
    await expect(p.abort()).rejects.toThrow('(409 ILLEGAL_STATE): Process is already completed');

    const q = await env.start('slow_inventory');
    await q.abort('changed our mind');
    await q.expectEventsInOrder(
      { type: 'CallbackRevoked', data: { reason: 'process aborted' } },
      { type: 'ProcessAborted', data: { reason: 'changed our mind' } },
    );
    const late = await q.deliver({ return_code: 0 });
    expect(late.status).toBe(410);
    await env.close();
  });

  it('says what the process is doing when an assertion fails', async () => {
    const env = environment();
    env.remote.onPost('http://inventory.test/reserve', { status: 503 });
    const p = await env.start('slow_inventory');
    await env.advance('3h');
    const error = await p.expectStatus('completed').catch((e: Error) => e);
    expect(error).toBeInstanceOf(ProcessAssertionError);
    expect((error as Error).message).toBe(
      [
        'Expected status completed.',
        'Process 00000000-0000-4000-8000-000000000001 (slow_inventory) is failed at step "Reserve capacity": inventory busy.',
        'History:',
        '    0 2026-03-01T00:00:00.000Z ProcessStarted',
        '    1 2026-03-01T00:00:00.000Z StepFailed "Reserve capacity": inventory busy (retry at 2026-03-01T01:00:00.000Z)',
        '    2 2026-03-01T01:00:00.000Z ProcessRetried',
        '    3 2026-03-01T01:00:00.000Z StepFailed "Reserve capacity": inventory busy (retry at 2026-03-01T03:00:00.000Z)',
        '    4 2026-03-01T03:00:00.000Z ProcessRetried',
        '    5 2026-03-01T03:00:00.000Z StepFailed "Reserve capacity": inventory busy',
      ].join('\n'),
    );
    await p.retry();
    await p.expectEventsInOrder({ type: 'ProcessRetried', data: { by: 'test-operator' } });
    await env.close();
  });
});
