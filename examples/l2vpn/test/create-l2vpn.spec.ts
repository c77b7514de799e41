/**
 * create_l2vpn, tested with Baton's test kit: the runner (an LSO-compatible Ansible runner) is
 * scripted, the test calls back as the runner and confirms as the operator. No database, no
 * server, no waiting.
 */
import { createTestEnvironment, TestEnvironment } from 'baton-orchestrator/testing';
import { workflows } from '../src';

const LSO = 'http://lso.test';
const INPUT = {
  customer: 'ACME',
  vlan: 100,
  site_a: 'ams-pe1',
  interface_a: 'xe-0/0/1',
  site_b: 'fra-pe2',
  interface_b: 'xe-0/0/2',
};
const SUCCESS = {
  job_id: 'job-1',
  return_code: 0,
  status: 'successful',
  output: ['\u001b[0;32mok: [ams-pe1]\u001b[0m', 'PLAY RECAP'],
};

const setup = (): TestEnvironment => {
  const env = createTestEnvironment({ workflows, settings: { ANSIBLE_PROXY_URL: LSO } });
  env.remote.onPost(`${LSO}/api/playbook/`, { status: 201, body: { job_id: 'job-1' } });
  return env;
};

describe('create_l2vpn', () => {
  it('runs the playbook, shows the result for confirmation and activates the subscription', async () => {
    const env = setup();
    const p = await env.start('create_l2vpn', INPUT);
    await p.expectStatus('awaiting_callback');

    const [request] = p.requests();
    expect(request.url).toBe(`${LSO}/api/playbook/`);
    expect(request.step).toBe('Execute an ansible playbook');
    expect(request.body).toEqual({
      playbook_name: 'playbook.yml',
      inventory: 'ams-pe1\nfra-pe2',
      extra_vars: {
        vlan: 100,
        SiteA: 'ams-pe1',
        interfaceA: 'xe-0/0/1',
        SiteB: 'fra-pe2',
        interfaceB: 'xe-0/0/2',
      },
      callback: p.callbackUrl(),
      progress: `${p.callbackUrl()}/progress`,
    });
    await p.expectState({ subscription: { status: 'provisioning', product: { name: 'L2VPN' } } });

    await p.progress({ progress: ['TASK [configure vlan]'] });
    await p.callback(SUCCESS);

    const form = await p.expectForm({
      step: 'Confirm provisioning proxy results',
      title: 'Execution for L2VPN completed.',
      values: { run_status: 'successful' },
    });
    // The operator reads the output without Ansible's colour codes.
    expect(form.values.run_results).toContain('"ok: [ams-pe1]"');
    await p.confirm();

    await p.expectStatus('completed');
    await p.expectState({
      subscription: { status: 'active' },
      callback_result: { return_code: 0, job_id: 'job-1' },
    });
    await p.expectEvents([
      'ProcessStarted',
      'StepCompleted',
      'StepCompleted',
      'CallbackIssued',
      'CallbackActionCompleted',
      'CallbackProgressReported',
      'CallbackReceived',
      'StepCompleted',
      'InputRequested',
      'ConfirmationGiven',
      'StepCompleted',
      'StepCompleted',
      'ProcessCompleted',
    ]);
    await env.close();
  });

  it('fails on a non-zero return code; a retry runs the playbook again with a new callback URL', async () => {
    const env = setup();
    const p = await env.start('create_l2vpn', INPUT);
    const first = p.callbackUrl();
    await p.callback({ job_id: 'job-1', return_code: 2, status: 'failed', output: 'unreachable' });
    await p.expectStatus('failed');
    expect((await p.detail()).failure).toMatchObject({
      step: 'Execute an ansible playbook',
      message: 'Callback failure',
      details: { return_code: 2 },
    });

    await p.retry();
    expect(p.requests()).toHaveLength(2);
    expect(p.callbackUrl()).not.toBe(first);
    expect(await p.deliver(SUCCESS, { url: first })).toEqual({
      status: 410,
      message: 'Callback token has been revoked',
    });
    await p.callback(SUCCESS);
    await p.confirm();
    await p.expectStatus('completed');
    await env.close();
  });

  it('refuses a callback without the runner fields and keeps the token open', async () => {
    const env = setup();
    const p = await env.start('create_l2vpn', INPUT);
    const refused = await p.deliver({ job_id: 'job-1', output: 'done' });
    expect(refused.status).toBe(400);
    expect(refused.message).toContain('return_code must be an integer number');
    await p.expectStatus('awaiting_callback');
    expect(await p.callback(SUCCESS)).toEqual({ status: 200, answer: 'accepted' });
    expect(await p.deliver(SUCCESS)).toEqual({ status: 200, answer: 'duplicate' });
    await env.close();
  });

  it('fails when the runner is down, and completes when retried after it is back', async () => {
    const env = setup();
    env.remote.oncePost(`${LSO}/api/playbook/`, { status: 503 });
    const p = await env.start('create_l2vpn', INPUT);
    await p.expectStatus('failed');
    await p.expectEventsInOrder('CallbackIssued', {
      type: 'CallbackRevoked',
      data: { reason: 'action failed' },
    });
    expect((await p.detail()).failedReason).toBe('Ansible runner answered 503');

    await p.retry();
    await p.callback(SUCCESS);
    await p.confirm();
    await p.expectStatus('completed');
    await env.close();
  });

  it('refuses an out-of-range VLAN before anything is recorded', async () => {
    const env = setup();
    await expect(env.start('create_l2vpn', { ...INPUT, vlan: 5000 })).rejects.toThrow(
      /400 VALIDATION\): Invalid initial input \(vlan: vlan must not be greater than 4094\)/,
    );
    expect(env.remote.requests()).toHaveLength(0);
    await env.close();
  });
});
