/**
 * orchestrator-core compatible REST under /oc/api, on embedded PostgreSQL with a scripted
 * runner standing in for LSO: a script written for OC's API runs unchanged, the detail has OC's
 * shape and step statuses, and bad input is a 4xx (pydantic-forms style) that writes nothing.
 */
import { FAILURE, L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import { runCreateL2vpnScript } from '../support/oc-script';
import { startPgTestApp } from '../support/pg-app';
import { startTestApp } from '../support/test-app';
import { serveUi } from '../../src/interfaces/web/serve-ui';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type PgTestApp = Awaited<ReturnType<typeof startPgTestApp>>;

describe('orchestrator-core compatible REST (/oc/api)', () => {
  let t: PgTestApp;
  let oc: string;
  const get = (path: string, key: string = TEST_KEYS.auditor) =>
    call('GET', `${oc}${path}`, undefined, {}, { key });
  const put = (path: string, body: unknown, key: string = TEST_KEYS.operator) =>
    call('PUT', `${oc}${path}`, body, {}, { key });
  const post = (path: string, body: unknown, key: string = TEST_KEYS.operator) =>
    call('POST', `${oc}${path}`, body, {}, { key });
  const head = () => t.adapters.eventStore.headPosition();

  beforeAll(async () => {
    t = await startPgTestApp();
    oc = `${t.url}/oc/api`;
  });
  afterAll(() => t?.close());

  const startedAwaitingCallback = async () => {
    const { status, body } = await post('/processes/create_l2vpn', [L2VPN_INPUT]);
    expect(status).toBe(201);
    await api(t.url).awaitingCallback(body.id);
    return body.id as string;
  };

  it('runs an OC script unchanged: form pages, polling last_status, resume with the form', async () => {
    // The runner calls back as soon as the playbook request reaches it.
    const runner = (async () => {
      const url = await t.remote.callbackUrl(t.remote.requests.length + 1, 30_000);
      await api(t.url).callback(url, SUCCESS);
    })();
    const log = await runCreateL2vpnScript(oc, TEST_KEYS.operator, L2VPN_INPUT);
    await runner;

    expect(log.firstPage).toMatchObject({
      type: 'FormNotCompleteError',
      status: 510,
      meta: { hasNext: false },
      form: { title: 'Create L2VPN', properties: { vlan: { type: 'integer', maximum: 4094 } } },
    });
    expect(log.validationErrors).toEqual([
      { loc: ['vlan'], msg: expect.stringContaining('vlan'), type: 'value_error.max' },
    ]);
    expect(log.confirmPage.form.properties).toMatchObject({
      run_status: { readOnly: true, default: 'successful' },
      run_results: { readOnly: true, default: expect.stringContaining('"return_code": 0') },
    });
    expect(log.statuses[log.statuses.length - 1]).toBe('completed');
    expect(log.statuses).toContain('suspended');
    expect(log.calls.map((c) => c.status)).toEqual(
      expect.arrayContaining([510, 400, 201, 510, 204]),
    );

    const { status, body } = await get(`/processes/${log.processId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      process_id: log.processId,
      workflow_name: 'create_l2vpn',
      workflow_target: 'CREATE',
      last_status: 'completed',
      last_step: 'Done',
      is_task: false,
      form: null,
      subscriptions: [],
      user_permissions: { retryAllowed: false, resumeAllowed: false },
    });
    const statuses = body.steps.map((s: { status: string }) => s.status);
    expect(statuses.every((s: string) => ['success', 'skipped', 'complete'].includes(s))).toBe(
      true,
    );
    expect(body.steps[body.steps.length - 1]).toMatchObject({ name: 'Done', status: 'complete' });
    expect(body.steps[0].step_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.steps[0].state_delta).toHaveProperty('subscription');
  });

  it('lists a suspended input step as suspend and again as pending (without a step id)', async () => {
    const id = await startedAwaitingCallback();
    const waiting = (await get(`/processes/${id}`)).body;
    expect(waiting.last_status).toBe('awaiting_callback');
    expect(waiting.steps.map((s: { status: string }) => s.status)).toContain('awaiting_callback');
    await api(t.url).callback(await t.remote.callbackUrlOf(id), SUCCESS);
    await api(t.url).waitFor(id, (d) => d.status === 'suspended');

    const { body } = await get(`/processes/${id}`, TEST_KEYS.operator);
    expect(body.last_status).toBe('suspended');
    expect(body.last_step).toBe('Confirm provisioning proxy results');
    expect(body.user_permissions).toEqual({ retryAllowed: true, resumeAllowed: true });
    const confirm = body.steps.filter(
      (s: { name: string }) => s.name === 'Confirm provisioning proxy results',
    );
    expect(confirm).toEqual([
      expect.objectContaining({ status: 'suspend', step_id: expect.any(String) }),
      expect.objectContaining({ status: 'pending', step_id: null }),
    ]);
    expect(body.steps[body.steps.length - 1]).toMatchObject({ status: 'pending', step_id: null });
    expect(body.form.properties.run_status.default).toBe('successful');
    // An auditor sees the process but may neither resume nor retry it.
    expect((await get(`/processes/${id}`)).body.user_permissions).toEqual({
      retryAllowed: false,
      resumeAllowed: false,
    });
  });

  it('retries a failed process when OC resumes it with no pages, and aborts with 204', async () => {
    const id = await startedAwaitingCallback();
    await api(t.url).callback(await t.remote.callbackUrlOf(id), FAILURE);
    await api(t.url).waitFor(id, (d) => d.status === 'failed');
    const failed = (await get(`/processes/${id}`)).body;
    expect(failed).toMatchObject({ last_status: 'failed', failed_reason: 'Callback failure' });
    expect(failed.steps.map((s: { status: string }) => s.status)).toContain('failed');

    const before = t.remote.requests.length;
    expect((await put(`/processes/${id}/resume`, [])).status).toBe(204);
    await api(t.url).waitFor(id, (d) => d.status === 'awaiting_callback');
    expect(t.remote.requests.length).toBe(before + 1); // the callback step ran again

    // OC's UI retries with the body `{}` (an object, not a list of pages): the same retry.
    await api(t.url).awaitingCallback(id);
    await api(t.url).callback(await t.remote.callbackUrlOf(id), FAILURE);
    await api(t.url).waitFor(id, (d) => d.status === 'failed');
    expect((await put(`/processes/${id}/resume`, {})).status).toBe(204);
    await api(t.url).waitFor(id, (d) => d.status === 'awaiting_callback');
    expect(t.remote.requests.length).toBe(before + 2);
    // Anything else that is not a list of pages is still refused, and writes nothing.
    await api(t.url).awaitingCallback(id);
    await api(t.url).callback(await t.remote.callbackUrlOf(id), FAILURE);
    await api(t.url).waitFor(id, (d) => d.status === 'failed');
    const failedAt = await head();
    const refused = await put(`/processes/${id}/resume`, { vlan: 1 });
    expect(refused.status).toBe(400);
    expect(refused.body.validation_errors[0]).toMatchObject({ type: 'type_error.list' });
    expect(await head()).toBe(failedAt);

    expect((await put(`/processes/${id}/abort`, undefined)).status).toBe(204);
    const aborted = (await get(`/processes/${id}`)).body;
    expect(aborted).toMatchObject({ last_status: 'aborted', last_step: 'User Aborted' });
    expect(aborted.steps[aborted.steps.length - 1]).toMatchObject({ status: 'abort' });
    // Resuming a process that is over: 409, as OC answers, and nothing written.
    const at = await head();
    expect((await put(`/processes/${id}/resume`, [{}])).status).toBe(409);
    expect(await head()).toBe(at);
  });

  it('answers the engine status and the counts by OC status', async () => {
    const status = await get('/settings/status');
    expect(status.status).toBe(200);
    expect(status.body).toEqual({
      global_lock: false,
      global_status: 'RUNNING',
      running_processes: expect.any(Number),
    });
    // The counts read model follows the events; wait for it to have seen every process in its
    // last status (a total of 3 is not enough: the aborted one may still count as waiting).
    const expected = await waitForCounts(() => get('/processes/status-counts'), 3, 'aborted');
    expect(expected).toMatchObject({
      process_counts: { completed: 1, suspended: 1, aborted: 1 },
      task_counts: {},
    });
  });

  it('serves translations for any well-formed locale and refuses a malformed one', async () => {
    const { status, body } = await get('/translations/en-GB');
    expect(status).toBe(200);
    expect(body.workflow).toEqual({ create_l2vpn: 'Create L2VPN' });
    expect(body.forms.fields).toHaveProperty('vlan');
    expect((await get('/translations/not a locale!')).status).toBe(400);
  });

  it('refuses bad input with a 4xx and writes nothing', async () => {
    const at = await head();
    const notAList = await post('/processes/create_l2vpn', L2VPN_INPUT);
    expect(notAList.status).toBe(400);
    expect(notAList.body.validation_errors[0]).toMatchObject({ type: 'type_error.list' });
    const overflow = await post('/processes/create_l2vpn', [L2VPN_INPUT, {}]);
    expect(overflow.status).toBe(400);
    expect(overflow.body.validation_errors[0].type).toBe('value_error.form_overflow');
    expect((await post('/processes/create_l2vpn', [1])).status).toBe(400);
    expect((await post('/processes/create_l2vpn', [{ ...L2VPN_INPUT, extra: 1 }])).status).toBe(
      400,
    );
    expect((await post('/processes/no_such_workflow', [])).status).toBe(404);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await get(`/processes/${unknown}`)).status).toBe(404);
    expect((await put(`/processes/${unknown}/resume`, [])).status).toBe(404);
    expect((await put(`/processes/${unknown}/abort`, undefined)).status).toBe(404);
    // Roles and credentials as on Baton's own API.
    expect((await post('/processes/create_l2vpn', [L2VPN_INPUT], TEST_KEYS.auditor)).status).toBe(
      403,
    );
    expect((await call('GET', `${oc}/settings/status`, undefined, {}, { key: null })).status).toBe(
      401,
    );
    expect(await head()).toBe(at);
  });
});

const waitForCounts = async (
  fetchCounts: () => Promise<{ body: { process_counts: Record<string, number> } }>,
  total: number,
  withStatus?: string,
) => {
  for (let i = 0; i < 200; i++) {
    const { body } = await fetchCounts();
    const sum = Object.values(body.process_counts).reduce((n, c) => n + c, 0);
    if (sum >= total && (withStatus === undefined || body.process_counts[withStatus] > 0))
      return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the counts never caught up');
};

// Found by running the real orchestrator-ui against Baton: with the operator UI served at `/`,
// its page fallback answered the UI's GETs under /oc/api (settings/status, status-counts,
// translations) with index.html, so the UI showed "Engine status is unavailable".
describe('/oc/api next to the operator UI served at /', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let uiDir: string;
  beforeAll(async () => {
    uiDir = mkdtempSync(path.join(os.tmpdir(), 'baton-ui-fallback-'));
    writeFileSync(path.join(uiDir, 'index.html'), '<!doctype html><title>operator UI</title>');
    t = await startTestApp({ configure: (app) => serveUi(app, uiDir) });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(uiDir, { recursive: true, force: true });
  });

  it('answers the compatible API, never the UI page, for every GET under /oc/api', async () => {
    const auditor = { key: TEST_KEYS.auditor };
    const status = await call('GET', `${t.url}/oc/api/settings/status`, undefined, {}, auditor);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ global_status: 'RUNNING' });
    const counts = await call(
      'GET',
      `${t.url}/oc/api/processes/status-counts`,
      undefined,
      {},
      auditor,
    );
    expect(counts.body).toMatchObject({ process_counts: {}, task_counts: {} });
    const labels = await call('GET', `${t.url}/oc/api/translations/en-GB`, undefined, {}, auditor);
    expect(labels.body).toMatchObject({ forms: { fields: expect.any(Object) } });
    const unknown = await call('GET', `${t.url}/oc/api/no-such-route`, undefined, {}, auditor);
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).not.toContain('operator UI');
    // The UI's own pages still get the page.
    const page = await call('GET', `${t.url}/processes/some-id`, undefined, {}, { key: null });
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain('operator UI');
  });
});
