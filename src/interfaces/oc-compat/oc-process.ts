/**
 * A Baton process detail in orchestrator-core's shape (`GET /processes/{id}` and the GraphQL
 * process type share it). It is a view of `ProcessDetail`, which is itself derived from the
 * folded state: no event is read or interpreted here.
 */
import { ProcessDetail, StepView } from '../../application/queries/process-detail';
import { WorkflowView } from '../../application/queries/list-workflows';
import { Actor, hasRole, mayConfirm } from '../../domain/access/roles';
import { JsonObject } from '../../domain/process/events';
import { derivedUuid, workflowIdOf } from './oc-ids';
import { ocFormSchema } from './oc-forms';
import { OcProcessStatus, ocStatusOf } from './oc-statuses';

export type OcStepStatus =
  | 'success'
  | 'failed'
  | 'pending'
  | 'running'
  | 'skipped'
  | 'suspend'
  | 'waiting'
  | 'awaiting_callback'
  | 'abort'
  | 'complete';

export interface OcStep {
  step_id: string | null;
  name: string;
  status: OcStepStatus;
  created_by: string | null;
  executed: string | null;
  started: string | null;
  completed: string | null;
  commit_hash: null;
  /** Baton records deltas per step; OC's per-step full state is not kept, so this is the delta. */
  state: JsonObject | null;
  state_delta: JsonObject | null;
}

export interface OcProcess {
  process_id: string;
  workflow_id: string;
  workflow_name: string;
  workflow_target: string | null;
  is_task: false;
  created_by: null;
  failed_reason: string | null;
  traceback: string | null;
  assignee: string;
  last_status: OcProcessStatus;
  last_step: string | null;
  started_at: string | null;
  last_modified_at: string | null;
  product_id: null;
  customer_id: null;
  note: null;
  form: JsonObject | null;
  current_state: JsonObject;
  steps: OcStep[];
  subscriptions: [];
  user_permissions: { retryAllowed: boolean; resumeAllowed: boolean };
}

const step = (
  detail: ProcessDetail,
  view: StepView,
  status: OcStepStatus,
  executed: boolean,
): OcStep => ({
  // Only steps that ran have an id in OC; pending ones are the plan, not the log.
  step_id: executed ? derivedUuid('step', detail.id, view.index, view.completedAt ?? 'open') : null,
  name: view.name,
  status,
  created_by: null,
  executed: executed ? (view.completedAt ?? view.startedAt) : null,
  started: executed ? view.startedAt : null,
  completed: executed ? view.completedAt : null,
  commit_hash: null,
  state: view.delta,
  state_delta: view.delta,
});

/**
 * OC lists the log first and then the steps still to run: a suspended input step appears as
 * `suspend` (what happened) and again as `pending` (what it will do when resumed).
 */
export const ocSteps = (detail: ProcessDetail): OcStep[] => {
  const steps: OcStep[] = [];
  for (const view of detail.steps) {
    if (view.status === 'completed') steps.push(step(detail, view, 'success', true));
    else if (view.status === 'skipped') steps.push(step(detail, view, 'skipped', true));
    else if (view.status === 'failed')
      steps.push(step(detail, view, detail.status === 'waiting' ? 'waiting' : 'failed', true));
    else if (view.status === 'running') steps.push(step(detail, view, 'running', true));
    else if (view.status === 'awaiting_callback')
      steps.push(step(detail, view, 'awaiting_callback', true));
    else if (view.status === 'suspended') {
      steps.push(step(detail, view, 'suspend', true));
      steps.push(step(detail, view, 'pending', false));
    } else steps.push(step(detail, view, 'pending', false));
  }
  const end = detail.updatedAt;
  if (detail.status === 'aborted') steps.push(terminal(detail, 'User Aborted', 'abort', end));
  if (detail.status === 'completed') steps.push(terminal(detail, 'Done', 'complete', end));
  return steps;
};

/** OC ends every log with a step of its own: `Done` (complete) or `User Aborted` (abort). */
const terminal = (
  detail: ProcessDetail,
  name: string,
  status: OcStepStatus,
  at: string | null,
): OcStep => ({
  step_id: derivedUuid('step', detail.id, name),
  name,
  status,
  created_by: null,
  executed: at,
  started: at,
  completed: at,
  commit_hash: null,
  state: null,
  state_delta: null,
});

export const userPermissions = (actor: Actor | undefined, detail: ProcessDetail | null) => {
  const operator = actor !== undefined && hasRole(actor, 'operator');
  return {
    retryAllowed: operator,
    resumeAllowed: operator && mayConfirm(actor, detail?.form?.roles ?? undefined),
  };
};

export const toOcProcess = (
  detail: ProcessDetail,
  workflow: Pick<WorkflowView, 'target'> | undefined,
  actor: Actor | undefined,
): OcProcess => ({
  process_id: detail.id,
  workflow_id: workflowIdOf(detail.workflow),
  workflow_name: detail.workflow,
  workflow_target: workflow?.target ?? null,
  is_task: false,
  created_by: null,
  failed_reason: detail.failedReason,
  traceback: detail.failure ? JSON.stringify(detail.failure.details ?? null) : null,
  assignee: detail.assignee ?? 'SYSTEM',
  last_status: ocStatusOf(detail.parked ? 'parked' : detail.status),
  last_step: lastStepOf(detail.status, detail.currentStep),
  started_at: detail.startedAt,
  last_modified_at: detail.updatedAt,
  product_id: null,
  customer_id: null,
  note: null,
  form: detail.form ? ocFormSchema(detail.form) : null,
  current_state: detail.state,
  steps: ocSteps(detail),
  subscriptions: [],
  user_permissions: userPermissions(actor, detail),
});

/** The step OC names in `last_step`: the current one, or OC's closing step once finished. */
export const lastStepOf = (status: string, currentStep: string | null): string | null =>
  status === 'completed' ? 'Done' : status === 'aborted' ? 'User Aborted' : currentStep;
