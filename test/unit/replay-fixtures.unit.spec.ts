/**
 * Replay tests: histories recorded from real runs of earlier versions (test/fixtures) must keep
 * folding to the same state. A change to evolve() that breaks old streams fails here first.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RecordedEvent } from '../../src/application/ports/event-store';
import { foldRecorded } from '../../src/application/folding/recorded-events';
import { describeProcess } from '../../src/application/queries/process-detail';
import { buildWorkflowRegistry } from '../support/l2vpn-registry';

const fixture = (name: string): RecordedEvent[] =>
  JSON.parse(readFileSync(path.join(__dirname, '../fixtures', name), 'utf8')) as RecordedEvent[];

const steps = buildWorkflowRegistry().get('create_l2vpn', 1).steps;

describe('recorded histories still fold to the same state', () => {
  it('create_l2vpn v1, completed', () => {
    const events = fixture('create_l2vpn-v1-completed.events.json');
    const state = foldRecorded(events);
    expect(state).toMatchObject({
      status: 'completed',
      index: 5,
      revision: events.length - 1,
      failure: null,
      pendingForm: null,
    });
    expect(state.state.subscription).toMatchObject({
      status: 'active',
      product: { name: 'L2VPN' },
    });
    expect(state.state.callback_result).toMatchObject({ return_code: 0, status: 'successful' });
    expect(state.state).toMatchObject({ run_status: 'successful', vlan: 100, customer: 'ACME' });
    expect(state.tokens.map((t) => t.status)).toEqual(['received']);
    const detail = describeProcess(steps, events, state);
    expect(detail.steps.map((s) => s.status)).toEqual([
      'completed',
      'completed',
      'completed',
      'completed',
      'completed',
    ]);
  });

  it('create_l2vpn v1, failed on the callback, retried, now suspended', () => {
    const events = fixture('create_l2vpn-v1-failed-retried.events.json');
    const state = foldRecorded(events);
    expect(state).toMatchObject({ status: 'suspended', index: 3, failure: null });
    expect(state.pendingForm).toMatchObject({
      index: 3,
      assignee: 'SYSTEM',
      form: { title: 'Execution for L2VPN completed.' },
    });
    expect(state.tokens.map((t) => t.status)).toEqual(['revoked', 'received']);
    expect(state.attempts).toEqual({ 2: 1 });
    const atFailure = foldRecorded(
      events.slice(0, events.findIndex((e) => e.type === 'StepFailed') + 1),
    );
    expect(atFailure).toMatchObject({
      status: 'failed',
      failure: { name: 'Execute an ansible playbook', error: { message: 'Callback failure' } },
    });
    const detail = describeProcess(steps, events, state);
    expect(detail.steps.map((s) => s.status)).toEqual([
      'completed',
      'completed',
      'completed',
      'suspended',
      'pending',
    ]);
  });
});
