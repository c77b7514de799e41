/**
 * The seed workflow's step bodies, shared by the DBOS and Restate versions so that both do the
 * same work as Baton's create_l2vpn: build the model, store the subscription, ask the remote
 * runner for a playbook run, validate its callback, and activate after confirmation.
 */
import { randomUUID } from 'node:crypto';
import { requestJson } from '../lib/http-json';

export interface L2vpnInput {
  customer: string;
  vlan: number;
  site_a: string;
  interface_a: string;
  site_b: string;
  interface_b: string;
}

export interface Subscription {
  subscription_id: string;
  status: string;
  description: string;
  saps: Array<{ node: string; port: string; vlan: number }>;
}

export interface LsoCallback {
  job_id: string;
  output: string;
  return_code: number;
  status: string;
}

export const constructModel = (input: L2vpnInput): Subscription => ({
  subscription_id: randomUUID(),
  status: 'initial',
  description: `L2VPN ${input.site_a}:${input.interface_a} - ${input.site_b}:${input.interface_b} vlan ${input.vlan} for ${input.customer}`,
  saps: [
    { node: input.site_a, port: input.interface_a, vlan: input.vlan },
    { node: input.site_b, port: input.interface_b, vlan: input.vlan },
  ],
});

export const withStatus = (subscription: Subscription, status: string): Subscription => ({
  ...subscription,
  status,
});

/** LSO's `POST /api/playbook/`; the process id rides along for URLs that do not carry it. */
export async function requestPlaybook(
  lsoUrl: string,
  input: L2vpnInput,
  processId: string,
  callbackUrl: string,
): Promise<void> {
  const answer = await requestJson('POST', `${lsoUrl}/api/playbook/`, {
    playbook_name: 'playbook.yml',
    inventory: `${input.site_a}\n${input.site_b}`,
    extra_vars: {
      vlan: input.vlan,
      SiteA: input.site_a,
      SiteB: input.site_b,
      process_id: processId,
    },
    callback: callbackUrl,
    progress: `${callbackUrl}/progress`,
  });
  if (answer.status >= 300) throw new Error(`runner answered ${answer.status}`);
}

export function validateCallback(result: LsoCallback): LsoCallback {
  if (result.return_code !== 0) throw new Error('Callback failure');
  return result;
}
