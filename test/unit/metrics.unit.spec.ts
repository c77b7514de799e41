/**
 * The metrics port as the application drives it (appends timed, conflicts and callback outcomes
 * counted where they are written) and as Prometheus exposes it (store-derived gauges read at
 * scrape time, dropped rather than left stale when the store cannot be read).
 */
import {
  AppendOutcome,
  CallbackOutcome,
  Metrics,
  StepTiming,
} from '../../src/application/ports/metrics';
import { NewEvent } from '../../src/application/ports/event-store';
import { ProcessRepository } from '../../src/application/process/process-repository';
import { ProcessEvent, processStreamId } from '../../src/domain/process/events';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';
import { PrometheusMetrics } from '../../src/infrastructure/metrics/prometheus-metrics';
import { parseExposition, seriesOf, valueOf } from '../support/prometheus';
import { issued, started } from './process-fixtures';

class RecordingMetrics implements Metrics {
  readonly appends: AppendOutcome[] = [];
  readonly callbacks: string[] = [];
  readonly steps: StepTiming[] = [];
  takeovers = 0;
  appendFinished(outcome: AppendOutcome): void {
    this.appends.push(outcome);
  }
  stepFinished(timing: StepTiming): void {
    this.steps.push(timing);
  }
  callback(outcome: CallbackOutcome, reason?: string): void {
    this.callbacks.push(reason ? `${outcome}:${reason}` : outcome);
  }
  ownershipTakeover(count = 1): void {
    this.takeovers += count;
  }
}

const clock = { now: () => new Date('2026-01-01T00:00:00.000Z') };
const ctx = { actor: 'test', correlationId: 'c', causationId: null };
const stream = processStreamId('p1');

const appendElsewhere = (
  store: InMemoryEventStore,
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

describe('metrics from the append path', () => {
  it('times each append, counts the conflict of a stale fold and the callback outcomes written', async () => {
    const store = new InMemoryEventStore();
    const metrics = new RecordingMetrics();
    await appendElsewhere(store, [started(), issued(0, 't1')], 'no_stream');
    const repository = new ProcessRepository(store, clock, 10, metrics);
    await repository.load('p1'); // awaiting t1, cached at revision 1
    await appendElsewhere(
      store,
      [{ type: 'CallbackProgressReported', data: { tokenId: 't1', progress: 'half way' } }],
      1,
    );

    await repository.execute('p1', { type: 'AbortProcess', by: 'bob', reason: 'no' }, ctx);

    expect(metrics.appends).toEqual(['conflict', 'ok']);
    expect(metrics.callbacks).toEqual(['revoked:process aborted']);
  });

  it('does not count events whose append failed', async () => {
    const store = new InMemoryEventStore();
    const metrics = new RecordingMetrics();
    await appendElsewhere(store, [started(), issued(0, 't1')], 'no_stream');
    const repository = new ProcessRepository(store, clock, 10, metrics);
    store.append = () => Promise.reject(new Error('disk on fire'));

    await expect(
      repository.execute('p1', { type: 'AbortProcess', by: 'bob', reason: 'no' }, ctx),
    ).rejects.toThrow('disk on fire');

    expect(metrics.appends).toEqual(['error']);
    expect(metrics.callbacks).toEqual([]);
  });
});

describe('PrometheusMetrics', () => {
  const follower = (name: string, checkpoint: number, behindMs: number) => ({
    name,
    checkpoint,
    head: 5000,
    caughtUp: behindMs === 0,
    behindMs,
  });
  const lag = {
    head: 5000,
    projections: [follower('process-summaries', 4000, 250)],
    runner: follower('runner', 5000, 0),
  };

  it('exports hot-path series and reads the store-derived ones at scrape time', async () => {
    const metrics = new PrometheusMetrics({
      statusCounts: async () => ({ running: 3, completed: 7 }),
      lag: async () => lag,
    });
    metrics.appendFinished('ok', 2);
    metrics.appendFinished('conflict', 4);
    metrics.stepFinished({
      workflow: 'wf',
      step: 'one',
      kind: 'step',
      outcome: 'failed',
      durationMs: 1500,
    });
    metrics.callback('rejected', 'expired');
    metrics.ownershipTakeover(3);

    const samples = parseExposition(await metrics.render());

    expect(valueOf(samples, 'baton_event_append_duration_seconds_count', { outcome: 'ok' })).toBe(
      1,
    );
    expect(valueOf(samples, 'baton_event_append_conflicts_total')).toBe(1);
    expect(
      valueOf(samples, 'baton_step_duration_seconds_sum', {
        workflow: 'wf',
        step: 'one',
        kind: 'step',
        outcome: 'failed',
      }),
    ).toBe(1.5);
    expect(
      valueOf(samples, 'baton_callbacks_total', { outcome: 'rejected', reason: 'expired' }),
    ).toBe(1);
    expect(valueOf(samples, 'baton_ownership_takeovers_total')).toBe(3);
    expect(valueOf(samples, 'baton_processes', { status: 'running' })).toBe(3);
    expect(valueOf(samples, 'baton_processes', { status: 'suspended' })).toBe(0);
    expect(
      valueOf(samples, 'baton_projection_lag_seconds', {
        projection: 'process-summaries',
        kind: 'projection',
      }),
    ).toBe(0.25);
    expect(valueOf(samples, 'baton_event_store_head_position')).toBe(5000);
    expect(valueOf(samples, 'baton_event_store_up')).toBe(1);
  });

  it('drops store-derived figures instead of repeating stale ones when the store is down', async () => {
    let down = false;
    const metrics = new PrometheusMetrics({
      statusCounts: async () => {
        if (down) throw new Error('store unavailable');
        return { running: 1 };
      },
      lag: async () => lag,
    });
    expect(
      valueOf(parseExposition(await metrics.render()), 'baton_processes', { status: 'running' }),
    ).toBe(1);

    down = true;
    const samples = parseExposition(await metrics.render());

    expect(valueOf(samples, 'baton_event_store_up')).toBe(0);
    expect(seriesOf(samples, 'baton_processes')).toEqual([]);
    expect(seriesOf(samples, 'baton_projection_lag_seconds')).toEqual([]);
    expect(valueOf(samples, 'baton_ownership_takeovers_total')).toBe(0);
  });

  it('keeps separate registries per app, so two apps in one process never mix counts', async () => {
    const sources = { statusCounts: async () => ({}), lag: async () => lag };
    const one = new PrometheusMetrics(sources);
    const two = new PrometheusMetrics(sources);
    one.ownershipTakeover();
    expect(valueOf(parseExposition(await two.render()), 'baton_ownership_takeovers_total')).toBe(0);
  });
});
