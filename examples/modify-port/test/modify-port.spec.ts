/**
 * modify_port, tested with Baton's test kit: no database, no server, virtual time. Each test
 * scripts the inventory and the runner, plays the NOC and the runner, and reads the history.
 */
import { createTestEnvironment, TestEnvironment } from 'baton-orchestrator/testing';
import { workflows } from '../src';

const INVENTORY = 'http://inventory.test';
const RUNNER = 'http://runner.test';
const NOC = { name: 'nina', roles: ['noc'] };

const REQUEST = {
  subscription_id: 'sub-42',
  node: 'ams-pe1',
  port: 'xe-0/0/3',
  speed: '100G',
  mtu: 9000,
};

const reserved = (current_speed: string) => ({
  status: 200,
  body: {
    reservation_id: 'res-1',
    current_speed,
    current_mtu: 1500,
    customer_contact: 'noc@customer.example',
  },
});

const setup = (current_speed = '10G'): TestEnvironment => {
  const env = createTestEnvironment({
    workflows,
    settings: { INVENTORY_URL: INVENTORY, ANSIBLE_PROXY_URL: RUNNER },
    startAt: '2026-06-01T08:00:00.000Z',
  });
  env.remote
    .onPost(`${INVENTORY}/api/ports/reserve`, reserved(current_speed))
    .onPost(`${RUNNER}/api/playbook/`, { status: 201, body: { job_id: 'job-1' } })
    .onPost(`${INVENTORY}/api/ports/release`, { status: 204 });
  return env;
};

describe('modify_port', () => {
  it('plans the outage on two pages, pushes with progress, and completes once the NOC confirms', async () => {
    const env = setup('10G');
    const p = await env.start('modify_port', REQUEST);

    // Page 1 of the outage plan, for the NOC only.
    await p.expectForm({
      step: 'Plan the outage (page 1 of 2)',
      title: 'Maintenance window for ams-pe1 xe-0/0/3',
      fields: ['window_start', 'window_minutes'],
      values: { window_minutes: 30 },
      roles: ['noc'],
    });
    await expect(p.confirm({ window_start: '2026-06-02T01:00:00Z' })).rejects.toThrow(
      '(403 FORBIDDEN)',
    );
    await p.confirm({ window_start: '2026-06-02T01:00:00Z', window_minutes: 45 }, { as: NOC });

    // Page 2 is built from page 1's answers and the inventory's contact.
    await p.expectForm({
      step: 'Plan the outage (page 2 of 2)',
      title: 'Customer notice',
      values: {
        notify_customer: true,
        contact: 'noc@customer.example',
        window: '2026-06-02T01:00:00Z for 45 minutes',
      },
    });
    await p.confirm({}, { as: NOC });

    await p.expectStatus('awaiting_callback');
    const [, push] = p.requests();
    expect(push.url).toBe(`${RUNNER}/api/playbook/`);
    expect(push.step).toBe('Reconfigure / Push the port configuration');
    expect(push.body).toMatchObject({
      playbook_name: 'modify_port.yml',
      extra_vars: { port: 'xe-0/0/3', speed: '100G', mtu: 9000 },
      callback: p.callbackUrl(),
      progress: `${p.callbackUrl()}/progress`,
    });

    await p.progress({ task: 'set speed', done: 1, of: 3 });
    await p.callback({ job_id: 'job-1', return_code: 0, status: 'successful' });

    await p.expectForm({
      step: 'Confirm the port change',
      values: { port_state: 'up, 100G, mtu 9000' },
      roles: ['noc'],
    });
    await p.confirm({ traffic_verified: true }, { as: NOC });

    await p.expectStatus('completed');
    await p.expectState({
      port_settings: { speed: '100G', mtu: 9000 },
      notify_customer: true,
      push_result: { return_code: 0 },
    });
    expect(p.requests().map((r) => r.url)).toEqual([
      `${INVENTORY}/api/ports/reserve`,
      `${RUNNER}/api/playbook/`,
      `${INVENTORY}/api/ports/release`,
    ]);
    expect(p.requests()[2].body).toEqual({ reservation_id: 'res-1' });
    await env.close();
  });

  it('skips the outage plan when only the MTU changes', async () => {
    const env = setup('100G');
    const p = await env.start('modify_port', REQUEST);
    await p.expectStatus('awaiting_callback');
    await p.expectStep('Plan the outage (page 1 of 2)', 'skipped');
    await p.expectStep('Plan the outage (page 2 of 2)', 'skipped');
    await p.expectEvents([
      'ProcessStarted',
      'StepCompleted',
      'StepSkipped',
      'StepSkipped',
      'CallbackIssued',
      'CallbackActionCompleted',
    ]);
    await env.close();
  });

  it('waits out a busy inventory with back-off: 15 minutes, then 30', async () => {
    const env = setup('100G');
    env.remote.oncePost(`${INVENTORY}/api/ports/reserve`, { status: 423 }, { status: 423 });
    const p = await env.start('modify_port', REQUEST);
    await p.expectStatus('waiting');
    await p.expectEventsInOrder({
      type: 'StepFailed',
      data: { error: { message: 'Inventory busy (423)' }, retryAt: '2026-06-01T08:15:00.000Z' },
    });

    await env.advance('15m');
    await p.expectEventsInOrder('ProcessRetried', {
      type: 'StepFailed',
      data: { retryAt: '2026-06-01T08:45:00.000Z' },
    });
    await env.advance('29m');
    await p.expectStatus('waiting');
    await env.advance('1m');
    await p.expectStatus('awaiting_callback');
    expect(p.requests().map((r) => r.at)).toEqual([
      '2026-06-01T08:00:00.000Z',
      '2026-06-01T08:15:00.000Z',
      '2026-06-01T08:45:00.000Z',
      '2026-06-01T08:45:00.000Z',
    ]);
    await env.close();
  });

  it('keeps the push alive while the runner reports progress, and fails it after ten silent minutes', async () => {
    const env = setup('100G');
    const p = await env.start('modify_port', REQUEST);
    const firstUrl = p.callbackUrl();
    expect((await p.detail()).callback?.expiresAt).toBe('2026-06-01T08:10:00.000Z');

    // Progress every nine minutes moves the deadline, well past the first ten minutes.
    for (let report = 1; report <= 3; report++) {
      await env.advance('9m');
      await p.progress({ done: report });
    }
    await p.expectStatus('awaiting_callback');
    expect((await p.detail()).callback?.expiresAt).toBe('2026-06-01T08:37:00.000Z');

    await env.advance('10m');
    await p.expectStatus('failed');
    await p.expectEventsInOrder('CallbackExpired', {
      type: 'StepFailed',
      data: {
        name: 'Reconfigure / Push the port configuration',
        error: { message: 'Callback timed out' },
      },
    });

    // The operator retries: a fresh token; the dead runner's late callback is refused.
    await p.retry();
    await p.expectStatus('awaiting_callback');
    expect(p.callbackUrl()).not.toBe(firstUrl);
    expect(await p.deliver({ return_code: 0, status: 'successful' }, { url: firstUrl })).toEqual({
      status: 410,
      message: 'Callback token has expired',
    });
    await p.callback({ return_code: 0, status: 'successful' });
    await p.expectStatus('suspended');
    await env.close();
  });

  it('fails with the runner result when the push fails, and refuses a malformed result', async () => {
    const env = setup('100G');
    const p = await env.start('modify_port', REQUEST);
    const malformed = await p.deliver({ return_code: 'zero' });
    expect(malformed.status).toBe(400);
    await p.expectStatus('awaiting_callback');

    await p.callback({ return_code: 2, status: 'failed', output: 'port is admin-down' });
    await p.expectStatus('failed');
    const detail = await p.detail();
    expect(detail.failure).toMatchObject({
      step: 'Reconfigure / Push the port configuration',
      message: 'The configuration push failed',
      details: { return_code: 2, output: 'port is admin-down' },
    });
    await env.close();
  });

  it('fails when the NOC does not verify traffic, and refuses a change to the read-only port state', async () => {
    const env = setup('100G');
    const p = await env.start('modify_port', REQUEST);
    await p.callback({ return_code: 0, status: 'successful' });
    await expect(
      p.confirm({ traffic_verified: true, port_state: 'down' }, { as: NOC }),
    ).rejects.toThrow('port_state is read-only');
    await p.confirm({ traffic_verified: false }, { as: NOC });
    await p.expectStatus('failed');
    expect((await p.detail()).failedReason).toBe('The NOC did not verify traffic on the port');
    await env.close();
  });

  it('refuses a start whose input is invalid, naming the field', async () => {
    const env = setup();
    await expect(env.start('modify_port', { ...REQUEST, speed: '40G' })).rejects.toThrow(
      /Starting modify_port was refused \(400 VALIDATION\): Invalid initial input \(speed: speed must be one of the following values: 1G, 10G, 25G, 100G\)/,
    );
    await env.close();
  });
});
