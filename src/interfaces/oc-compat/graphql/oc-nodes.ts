/**
 * GraphQL objects in OC's shape. A process row from the list read model answers the list
 * columns at once; what only the detail holds (steps, form, state, product, customer,
 * subscriptions, permissions) is read on demand, once per process and request, and is the same
 * view as the REST detail (toOcProcess).
 */
import { QueryBus } from '@nestjs/cqrs';
import { GetProcessQuery } from '../../../application/queries/process-queries';
import { Actor, hasRole } from '../../../domain/access/roles';
import { JsonObject } from '../../../domain/process/events';
import { WorkflowDefinition } from '../../../domain/workflow/dsl';
import { WorkflowRegistry } from '../../../domain/workflow/registry';
import { workflowIdOf } from '../oc-ids';
import { OcProcess, OcStep, lastStepOf, toOcProcess } from '../oc-process';
import { ocStatusOf } from '../oc-statuses';
import { OcListArgs, checkPaging, pageInfo } from './oc-paging';
import { OcProcessRow } from './oc-process-search';

export interface OcGraphqlContext {
  queries: QueryBus;
  registry: WorkflowRegistry;
  actor: Actor | undefined;
}

const definitionOf = (registry: WorkflowRegistry, name: string): WorkflowDefinition | null => {
  try {
    return registry.latest(name);
  } catch {
    return null; // a process of a workflow this version no longer registers
  }
};

const stepNode = (s: OcStep) => ({
  stepId: s.step_id,
  name: s.name,
  status: s.status,
  createdBy: s.created_by,
  executed: s.executed,
  started: s.started,
  completed: s.completed,
  commitHash: s.commit_hash,
  state: s.state,
  stateDelta: s.state_delta,
});

const objectAt = (value: unknown): JsonObject | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : null;

/**
 * Baton has no product model. A workflow that keeps an OC-style `subscription` in its state
 * (with `product {name, tag}`) shows that product; any other shows its workflow as the product.
 */
export const productOf = (state: JsonObject, workflow: string, description: string) => {
  const product = objectAt(objectAt(state.subscription)?.product);
  const name = typeof product?.name === 'string' ? product.name : description;
  const tag = typeof product?.tag === 'string' ? product.tag : workflow.toUpperCase();
  return { productId: null, name, tag, description, productType: tag, status: 'active' };
};

/** No customer model either: the process input's `customer` (a name) stands for one. */
export const customerOf = (state: JsonObject) => {
  const name = typeof state.customer === 'string' ? state.customer : '';
  return { customerId: name, fullname: name, shortcode: name };
};

const subscriptionsOf = (state: JsonObject, product: ReturnType<typeof productOf>) => {
  const subscription = objectAt(state.subscription);
  if (!subscription || typeof subscription.subscription_id !== 'string') return [];
  return [
    {
      subscriptionId: subscription.subscription_id,
      description: typeof subscription.description === 'string' ? subscription.description : '',
      status: typeof subscription.status === 'string' ? subscription.status : null,
      product,
    },
  ];
};

export const processNode = (row: OcProcessRow, ctx: OcGraphqlContext) => {
  const definition = definitionOf(ctx.registry, row.workflow);
  const description = definition?.description ?? row.workflow;
  let detail: Promise<OcProcess> | undefined;
  const oc = () =>
    (detail ??= ctx.queries
      .execute(new GetProcessQuery(row.processId))
      .then((d) => toOcProcess(d, definition ?? undefined, ctx.actor)));
  const product = async () => productOf((await oc()).current_state, row.workflow, description);
  return {
    processId: row.processId,
    workflowId: workflowIdOf(row.workflow),
    workflowName: row.workflow,
    workflowTarget: definition?.target ?? null,
    isTask: false,
    lastStep: lastStepOf(row.status, row.currentStep),
    // OC's GraphQL serialises its status enum by name; OC's UI compares in upper case.
    lastStatus: ocStatusOf(row.status).toUpperCase(),
    failedReason: row.failedReason,
    assignee: row.assignee ?? 'SYSTEM',
    createdBy: null,
    startedAt: row.startedAt,
    lastModifiedAt: row.updatedAt,
    note: null,
    traceback: async () => (await oc()).traceback,
    form: async () => (await oc()).form,
    currentState: async () => (await oc()).current_state,
    steps: async () => (await oc()).steps.map(stepNode),
    userPermissions: async () => (await oc()).user_permissions,
    product,
    customer: async () => customerOf((await oc()).current_state),
    subscriptions: async (args: OcListArgs) => {
      checkPaging(args);
      const all = subscriptionsOf((await oc()).current_state, await product());
      const page = all.slice(args.after, args.after + args.first);
      return {
        page,
        pageInfo: pageInfo(args, page.length, all.length, {
          sortFields: [],
          filterFields: [],
        }),
      };
    },
  };
};

export const workflowNode = (w: WorkflowDefinition, actor: Actor | undefined) => ({
  workflowId: workflowIdOf(w.name),
  name: w.name,
  description: w.description,
  target: w.target,
  isTask: false,
  isAllowed: actor !== undefined && hasRole(actor, 'operator'),
  createdAt: null,
  steps: w.steps.map((s) => ({ name: s.name, assignee: s.kind === 'input' ? s.assignee : null })),
  products: [],
});
