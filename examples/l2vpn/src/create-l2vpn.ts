/**
 * The seed example: provision an L2VPN through an Ansible runner reached over the LSO API, wait
 * for its callback, fail on a non-zero return code, let an operator confirm, then activate.
 */
import {
  callbackInteraction,
  inputStep,
  ProcessFailureError,
  RetryableStepError,
  State,
  step,
  workflow,
} from 'baton-orchestrator';
import { readableOutput } from './ansible-output';
import { ConfirmRunPage, CreateL2vpnForm, LsoCallbackPayload } from './create-l2vpn.forms';
import { setStatus, storeProcessSubscription, subscriptionOf } from './subscription-steps';

interface L2vpnInput {
  customer: string;
  vlan: number;
  site_a: string;
  interface_a: string;
  site_b: string;
  interface_b: string;
}

const constructModel = step('Construct L2VPN model', (state, ctx) => {
  const input = state as unknown as L2vpnInput;
  return {
    subscription: {
      subscription_id: ctx.newId(),
      product: { name: 'L2VPN', tag: 'L2VPN' },
      status: 'initial',
      description: `L2VPN ${input.site_a}:${input.interface_a} - ${input.site_b}:${input.interface_b} vlan ${input.vlan} for ${input.customer}`,
      virtual_circuit: {
        saps: [
          { node: input.site_a, port: input.interface_a, vlan: input.vlan },
          { node: input.site_b, port: input.interface_b, vlan: input.vlan },
        ],
      },
    },
  };
});

const callAnsiblePlaybook = step('Execute an ansible playbook', async (state, ctx) => {
  const proxyUrl = ctx.settings.ANSIBLE_PROXY_URL;
  if (!proxyUrl) throw new ProcessFailureError('ANSIBLE_PROXY_URL is not configured');
  const input = state as unknown as L2vpnInput;
  const request = {
    playbook_name: 'playbook.yml',
    inventory: `${input.site_a}\n${input.site_b}`,
    extra_vars: {
      vlan: input.vlan,
      SiteA: input.site_a,
      interfaceA: input.interface_a,
      SiteB: input.site_b,
      interfaceB: input.interface_b,
    },
    callback: ctx.callbackUrl,
    progress: ctx.progressUrl,
  };
  const response = await ctx.http.post(`${proxyUrl.replace(/\/$/, '')}/api/playbook/`, request);
  if (response.status >= 500)
    throw new RetryableStepError(`Ansible runner answered ${response.status}`);
  if (response.status >= 300) {
    throw new ProcessFailureError(
      `Ansible runner refused the playbook (${response.status})`,
      response.body,
    );
  }
});

const evaluateCallbackResult = step('Evaluate callback result', (state) => {
  const result = state.callback_result as { return_code?: number } | undefined;
  if (!result || result.return_code !== 0)
    throw new ProcessFailureError('Callback failure', result ?? null);
  return { callback_result: result };
});

const confirmResults = inputStep(
  'Confirm provisioning proxy results',
  { assignee: 'SYSTEM' },
  (state: State) => {
    const result = state.callback_result as { status?: string; output?: unknown } | undefined;
    if (!result) return undefined;
    const shown =
      'output' in result ? { ...result, output: readableOutput(result.output) } : result;
    return {
      title: `Execution for ${subscriptionOf(state).product.name} completed.`,
      form: ConfirmRunPage,
      values: {
        run_status: String(result.status ?? ''),
        run_results: JSON.stringify(shown, null, 4),
      },
    };
  },
);

export const createL2vpn = workflow({
  name: 'create_l2vpn',
  description: 'Create L2VPN',
  target: 'CREATE',
  version: 1,
  initialInput: CreateL2vpnForm,
  describe: (input) => {
    const i = input as unknown as L2vpnInput;
    return `L2VPN for ${i.customer}: ${i.site_a} ${i.interface_a} - ${i.site_b} ${i.interface_b}, VLAN ${i.vlan}`;
  },
  steps: [
    constructModel,
    storeProcessSubscription('CREATE'),
    callbackInteraction(callAnsiblePlaybook, {
      validate: evaluateCallbackResult,
      confirm: confirmResults,
      payload: LsoCallbackPayload,
    }),
    setStatus('active'),
  ],
});
