/**
 * modify_port: change the speed and MTU of a customer port. It uses the rest of the DSL:
 * a retryStep with back-off (the inventory is often busy), a conditional outage plan (only a
 * speed change takes the link down) asked for in a two-page form, a stepGroup around a callback
 * step with a heartbeat (the runner reports progress while it pushes the configuration), and a
 * confirmation only the NOC may give.
 */
import {
  callbackStep,
  conditional,
  inputPages,
  inputStep,
  ProcessFailureError,
  retryStep,
  RetryableStepError,
  State,
  step,
  stepGroup,
  workflow,
} from 'baton-orchestrator';
import {
  ConfirmPortPage,
  CustomerNoticePage,
  MaintenanceWindowPage,
  ModifyPortForm,
  RunnerResult,
} from './modify-port.forms';

const MINUTE = 60_000;

interface PortRequest {
  subscription_id: string;
  node: string;
  port: string;
  speed: string;
  mtu: number;
}

/** The port as the inventory had it when it was reserved for this change. */
interface ReservedPort {
  reservation_id: string;
  current_speed: string;
  current_mtu: number;
  customer_contact?: string;
}

const requestOf = (state: State) => state as unknown as PortRequest;
const reservedOf = (state: State) => state.reserved as ReservedPort;

const setting = (ctx: { settings: Readonly<Record<string, string | undefined>> }, key: string) => {
  const value = ctx.settings[key];
  if (!value) throw new ProcessFailureError(`${key} is not configured`);
  return value.replace(/\/$/, '');
};

/** The inventory answers 423 while another change holds the port: try again later. */
const reservePort = retryStep(
  'Reserve the port in the inventory',
  async (state, ctx) => {
    const { subscription_id, node, port } = requestOf(state);
    const answer = await ctx.http.post(`${setting(ctx, 'INVENTORY_URL')}/api/ports/reserve`, {
      subscription_id,
      node,
      port,
      process_id: ctx.processId,
    });
    if (answer.status === 423 || answer.status >= 500)
      throw new RetryableStepError(`Inventory busy (${answer.status})`);
    if (answer.status >= 300)
      throw new ProcessFailureError(
        `Inventory refused the reservation (${answer.status})`,
        answer.body,
      );
    return { reserved: answer.body as ReservedPort };
  },
  { maxAttempts: 4, initialDelayMs: 15 * MINUTE, backoffFactor: 2, maxDelayMs: 60 * MINUTE },
);

const speedChanges = (state: State) => reservedOf(state).current_speed !== requestOf(state).speed;

/** A speed change flaps the link: the NOC plans the outage, on two pages. */
const planOutage = inputPages('Plan the outage', { assignee: 'NOC', roles: ['noc'] }, [
  (state) => ({
    title: `Maintenance window for ${requestOf(state).node} ${requestOf(state).port}`,
    form: MaintenanceWindowPage,
    values: { window_minutes: 30 },
  }),
  (state) => ({
    title: 'Customer notice',
    form: CustomerNoticePage,
    values: {
      notify_customer: true,
      ...(reservedOf(state).customer_contact
        ? { contact: reservedOf(state).customer_contact }
        : {}),
      window: `${String(state.window_start)} for ${String(state.window_minutes)} minutes`,
    },
  }),
]);

const pushConfiguration = callbackStep({
  name: 'Push the port configuration',
  action: step('Push the port configuration', async (state, ctx) => {
    const { node, port, speed, mtu } = requestOf(state);
    const answer = await ctx.http.post(`${setting(ctx, 'ANSIBLE_PROXY_URL')}/api/playbook/`, {
      playbook_name: 'modify_port.yml',
      inventory: node,
      extra_vars: { port, speed, mtu },
      callback: ctx.callbackUrl,
      progress: ctx.progressUrl,
    });
    if (answer.status >= 300)
      throw new RetryableStepError(`Runner refused the playbook (${answer.status})`);
  }),
  resultKey: 'push_result',
  payload: RunnerResult,
  validate: step('Check the runner result', (state) => {
    const result = state.push_result as RunnerResult;
    if (result.return_code !== 0)
      throw new ProcessFailureError('The configuration push failed', result);
  }),
  // The runner reports progress at least every few minutes while it works; silence for ten
  // minutes means it died. No push takes more than two hours.
  heartbeatTimeoutMs: 10 * MINUTE,
  timeoutMs: 120 * MINUTE,
});

const recordSettings = step('Record the new settings', (state) => {
  const { speed, mtu } = requestOf(state);
  return { port_settings: { speed, mtu }, port_state: `up, ${speed}, mtu ${mtu}` };
});

const confirmChange = inputStep(
  'Confirm the port change',
  { assignee: 'NOC', roles: ['noc'] },
  (state) => ({
    title: `Confirm ${requestOf(state).node} ${requestOf(state).port}`,
    form: ConfirmPortPage,
    values: { port_state: String(state.port_state) },
  }),
);

const releasePort = step('Release the reservation', async (state, ctx) => {
  if (state.traffic_verified !== true)
    throw new ProcessFailureError('The NOC did not verify traffic on the port');
  const answer = await ctx.http.post(`${setting(ctx, 'INVENTORY_URL')}/api/ports/release`, {
    reservation_id: reservedOf(state).reservation_id,
  });
  if (answer.status >= 300) throw new RetryableStepError(`Inventory answered ${answer.status}`);
});

export const modifyPort = workflow({
  name: 'modify_port',
  description: 'Modify port speed and MTU',
  target: 'MODIFY',
  version: 1,
  initialInput: ModifyPortForm,
  describe: (input) => {
    const i = input as unknown as PortRequest;
    return `Port ${i.node} ${i.port} to ${i.speed}, MTU ${i.mtu}`;
  },
  steps: [
    reservePort,
    conditional(speedChanges, planOutage),
    stepGroup('Reconfigure', [pushConfiguration, recordSettings]),
    confirmChange,
    releasePort,
  ],
});
