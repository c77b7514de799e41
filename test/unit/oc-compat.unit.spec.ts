/**
 * The orchestrator-core translation on its own: statuses both ways, steps in OC's order and
 * statuses for every process status (waiting, parked and running included, which the
 * integration tests do not reach), filter alternatives and offset page info.
 */
import { ProcessDetail, StepView } from '../../src/application/queries/process-detail';
import { ocSteps, toOcProcess } from '../../src/interfaces/oc-compat/oc-process';
import {
  batonStatusesOf,
  ocStatusCounts,
  ocStatusOf,
} from '../../src/interfaces/oc-compat/oc-statuses';
import {
  alternatives,
  filtersByField,
  pageInfo,
} from '../../src/interfaces/oc-compat/graphql/oc-paging';
import { readPages } from '../../src/interfaces/oc-compat/oc-forms';

const view = (index: number, status: StepView['status']): StepView => ({
  index,
  name: `step ${index}`,
  kind: 'step',
  status,
  delta: status === 'completed' ? { n: index } : null,
  startedAt: status === 'pending' ? null : '2026-01-01T00:00:00.000Z',
  completedAt: status === 'completed' ? '2026-01-01T00:00:01.000Z' : null,
  durationMs: null,
  error: null,
});

const detail = (
  status: ProcessDetail['status'],
  steps: StepView[],
  extra: Partial<ProcessDetail> = {},
): ProcessDetail => ({
  id: '11111111-1111-4111-8111-111111111111',
  workflow: 'w',
  workflowVersion: 1,
  status,
  currentStep: steps.find((s) => s.status !== 'completed')?.name ?? null,
  assignee: null,
  steps,
  state: {},
  form: null,
  callback: null,
  failedReason: null,
  failure: null,
  parked: null,
  revision: 3,
  startedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:02.000Z',
  ...extra,
});

describe('OC compatibility: translation', () => {
  it('maps every status, parked as failed, and OC filters back to Baton statuses', () => {
    expect(ocStatusOf('parked')).toBe('failed');
    expect(ocStatusOf('awaiting_callback')).toBe('awaiting_callback');
    expect(batonStatusesOf('failed')).toEqual(['failed', 'parked']);
    expect(batonStatusesOf('resumed')).toEqual([]);
    expect(batonStatusesOf('no such')).toEqual([]);
    expect(ocStatusCounts({ failed: 2, parked: 1, completed: 4 })).toEqual({
      failed: 3,
      completed: 4,
    });
  });

  it('lists a running step as running and the steps after it as pending without ids', () => {
    const steps = ocSteps(
      detail('running', [view(0, 'completed'), view(1, 'running'), view(2, 'pending')]),
    );
    expect(steps.map((s) => [s.status, s.step_id === null])).toEqual([
      ['success', false],
      ['running', false],
      ['pending', true],
    ]);
    expect(steps[0].state_delta).toEqual({ n: 0 });
  });

  it('shows the failed step of a waiting process (retry due) as waiting', () => {
    const steps = ocSteps(detail('waiting', [view(0, 'completed'), view(1, 'failed')]));
    expect(steps.map((s) => s.status)).toEqual(['success', 'waiting']);
  });

  it('shows a parked process as failed and gives stable step ids', () => {
    const parked = detail('running', [view(0, 'completed'), view(1, 'running')], {
      parked: { reason: 'gave up', attempts: 5, at: '2026-01-01T00:00:03.000Z' },
    });
    const a = toOcProcess(parked, { target: 'CREATE' }, undefined);
    const b = toOcProcess(parked, { target: 'CREATE' }, undefined);
    expect(a.last_status).toBe('failed');
    expect(a.steps[0].step_id).toBe(b.steps[0].step_id);
    expect(a.user_permissions).toEqual({ retryAllowed: false, resumeAllowed: false });
  });

  it('splits filter alternatives on - and |, ids on | only, and intersects repeated fields', () => {
    expect(alternatives('failed-suspended|running')).toEqual(['failed', 'suspended', 'running']);
    const id = '11111111-1111-4111-8111-111111111111';
    expect(alternatives(id, false)).toEqual([id]);
    const byField = filtersByField(
      [
        { field: 'lastStatus', value: 'failed-running' },
        { field: 'lastStatus', value: 'running|completed' },
      ],
      ['lastStatus'],
    );
    expect(byField.get('lastStatus')).toEqual(['running']);
    expect(() => filtersByField([{ field: 'x', value: 'y' }], ['lastStatus'])).toThrow(
      'Cannot filter on x',
    );
  });

  it('answers page info with offsets as cursors', () => {
    const fields = { sortFields: [], filterFields: [] };
    expect(pageInfo({ first: 10, after: 10 }, 5, 15, fields)).toMatchObject({
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: 10,
      endCursor: 14,
      totalItems: 15,
    });
    expect(pageInfo({ first: 10, after: 0 }, 0, 0, fields)).toMatchObject({
      startCursor: null,
      endCursor: null,
    });
  });

  it('reads page answers: a list of objects, no more pages than the form has', () => {
    expect(readPages(undefined, 1)).toEqual({ pages: [] });
    expect(readPages([{ a: 1 }], 1)).toEqual({ pages: [{ a: 1 }] });
    expect(readPages({ a: 1 }, 1)).toMatchObject({ refusal: { status: 400 } });
    expect(readPages([[1]], 1)).toMatchObject({ refusal: { status: 400 } });
    expect(readPages([{}, {}], 1)).toMatchObject({ refusal: { status: 400 } });
  });
});
