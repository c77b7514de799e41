/**
 * The REST API around a process (DESIGN §6) on the in-memory store: starting, the operator's
 * confirmation, retry/abort refusals, auditing endpoints, listing, and that bad input is a 4xx
 * that writes nothing.
 */
import { L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import { TestApp, startTestApp } from '../support/test-app';

describe('process API', () => {
  let t: TestApp;
  let client: ReturnType<typeof api>;

  beforeEach(async () => {
    t = await startTestApp();
    client = api(t.url);
  });
  afterEach(() => t.close());

  const headPosition = () => t.adapters.eventStore.headPosition();

  const toSuspended = async () => {
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    await client.awaitingCallback(body.id);
    await client.callback(await t.remote.callbackUrl(), SUCCESS);
    await client.waitFor(body.id, (d) => d.status === 'suspended');
    return body.id as string;
  };

  it('lists workflows with their initial form as JSON Schema', async () => {
    const { status, body } = await call('GET', `${t.url}/api/workflows`);
    expect(status).toBe(200);
    expect(body[0]).toMatchObject({ name: 'create_l2vpn', version: 1, target: 'CREATE' });
    expect(body[0].initialForm.properties.vlan).toMatchObject({
      type: 'integer',
      minimum: 2,
      maximum: 4094,
    });
    expect(body[0].initialForm.required).toEqual(expect.arrayContaining(['customer', 'vlan']));
  });

  it('refuses invalid initial input with 400 {validationErrors} and writes nothing', async () => {
    const { status, body } = await client.start('create_l2vpn', {
      ...L2VPN_INPUT,
      vlan: 5000,
      extra: 1,
    });
    expect(status).toBe(400);
    const properties = body.validationErrors.map((e: { property: string }) => e.property).sort();
    expect(properties).toEqual(['extra', 'vlan']);
    expect((await call('POST', `${t.url}/api/processes/create_l2vpn`, '{not json')).status).toBe(
      400,
    );
    expect((await call('POST', `${t.url}/api/processes/create_l2vpn`, '[1,2]')).status).toBe(400);
    expect(await headPosition()).toBe(0);
  });

  it('answers 404 for an unknown workflow and an unknown process', async () => {
    expect((await client.start('nope', {})).status).toBe(404);
    expect((await client.detail('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await client.events('missing')).status).toBe(404);
    expect((await call('GET', `${t.url}/api/nothing-here`)).body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Route not found',
    });
  });

  it('shows the pending form and refuses invalid form input with 400, writing nothing', async () => {
    const id = await toSuspended();
    const detail = (await client.detail(id)).body;
    expect(detail.form.schema.properties.run_results).toMatchObject({
      type: 'string',
      readOnly: true,
    });
    expect(detail.assignee).toBe('SYSTEM');
    const before = await headPosition();
    const invalid = await client.resume(id, { run_status: 42, surprise: true });
    expect(invalid.status).toBe(400);
    expect(
      invalid.body.validationErrors.map((e: { property: string }) => e.property).sort(),
    ).toEqual(['run_status', 'surprise']);
    expect(await headPosition()).toBe(before);
    expect((await client.resume(id, {})).status).toBe(204);
    const done = await client.waitFor(id, (d) => d.status === 'completed');
    expect(done.state.subscription.status).toBe('active');
    expect(done.steps.every((s: { status: string }) => s.status === 'completed')).toBe(true);
  });

  it('records who confirmed: the authenticated caller, whatever X-Baton-User claims', async () => {
    const id = await toSuspended();
    const answer = await call(
      'PUT',
      `${t.url}/api/processes/${id}/resume`,
      {},
      { 'x-baton-user': 'alice' },
      { key: TEST_KEYS.operator },
    );
    expect(answer.status).toBe(204);
    const confirmation = (await client.events(id)).body.find(
      (e: { type: string }) => e.type === 'ConfirmationGiven',
    );
    expect(confirmation.data.by).toBe('test-operator');
    expect(confirmation.metadata.actor).toBe('test-operator');
  });

  it('keeps read-only fields as shown: an echo is fine, a change is 400 and writes nothing', async () => {
    const id = await toSuspended();
    const shown = (await client.detail(id)).body.form.values;
    const before = await headPosition();
    const changed = await client.resume(id, {
      run_status: 'successful, trust me',
      run_results: shown.run_results,
    });
    expect(changed.status).toBe(400);
    expect(changed.body.validationErrors).toEqual([
      {
        property: 'run_status',
        constraints: { readOnly: 'run_status is read-only: it records what was shown' },
      },
    ]);
    expect(await headPosition()).toBe(before);
    expect((await client.resume(id, { ...shown })).status).toBe(204);
    const confirmation = (await client.events(id)).body.find(
      (e: { type: string }) => e.type === 'ConfirmationGiven',
    );
    expect(confirmation.data.input).toEqual(shown);
  });

  it('answers 409 for resume when not suspended and retry when not failed', async () => {
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    await client.waitFor(body.id, (d) => d.status === 'awaiting_callback');
    expect((await client.resume(body.id, {})).status).toBe(409);
    expect((await client.retry(body.id)).status).toBe(409);
  });

  it('serves the full history with metadata and any earlier state', async () => {
    const id = await toSuspended();
    const events = (await client.events(id)).body;
    expect(events.map((e: { revision: number }) => e.revision)).toEqual(
      events.map((_: unknown, i: number) => i),
    );
    expect(events[0]).toMatchObject({
      type: 'ProcessStarted',
      data: { by: 'test-admin' },
      metadata: { actor: 'test-admin', schemaVersion: 1 },
    });
    expect(events[0].metadata.at).toEqual(expect.any(String));
    const atStart = (await call('GET', `${t.url}/api/processes/${id}/state?revision=0`)).body;
    expect(atStart.state).toEqual({ process_id: id, ...L2VPN_INPUT });
    const afterModel = (await call('GET', `${t.url}/api/processes/${id}/state?revision=1`)).body;
    expect(afterModel.state.subscription.status).toBe('initial');
    expect((await call('GET', `${t.url}/api/processes/${id}/state?revision=999`)).status).toBe(404);
    expect((await call('GET', `${t.url}/api/processes/${id}/state?revision=-1`)).status).toBe(400);
    expect((await call('GET', `${t.url}/api/processes/${id}/state`)).status).toBe(400);
  });

  it('lists processes newest first with filters and cursor paging', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await client.start('create_l2vpn', L2VPN_INPUT)).body.id);
      await new Promise((r) => setTimeout(r, 5));
    }
    await client.abort(ids[0]);
    const deadline = Date.now() + 5000;
    let all;
    do {
      all = (await call('GET', `${t.url}/api/processes?limit=10`)).body;
    } while (
      (all.items.length < 3 || all.items.at(-1).status !== 'aborted') &&
      Date.now() < deadline
    );
    expect(all.items.map((p: { processId: string }) => p.processId)).toEqual([...ids].reverse());
    const page1 = (await call('GET', `${t.url}/api/processes?limit=2`)).body;
    expect(page1.items).toHaveLength(2);
    const page2 = (await call('GET', `${t.url}/api/processes?limit=2&cursor=${page1.nextCursor}`))
      .body;
    expect(page2.items.map((p: { processId: string }) => p.processId)).toEqual([ids[0]]);
    expect(page2.nextCursor).toBeNull();
    const aborted = (await call('GET', `${t.url}/api/processes?status=aborted`)).body;
    expect(aborted.items.map((p: { processId: string }) => p.processId)).toEqual([ids[0]]);
    expect((await call('GET', `${t.url}/api/processes?status=bogus`)).status).toBe(400);
    expect((await call('GET', `${t.url}/api/processes?limit=0`)).status).toBe(400);
    expect((await call('GET', `${t.url}/api/processes?cursor=garbage`)).status).toBe(400);
  });

  it('serves the read models on the in-memory store too: search, assignee, counts, callbacks', async () => {
    const id = await toSuspended();
    const ended = (await client.start('create_l2vpn', { ...L2VPN_INPUT, customer: 'Other' })).body
      .id as string;
    await client.abort(ended);
    const deadline = Date.now() + 5000;
    let counts;
    do {
      counts = (await call('GET', `${t.url}/api/processes/counts`)).body;
    } while (counts.byStatus.aborted !== 1 && Date.now() < deadline);
    expect(counts).toMatchObject({ total: 2, byStatus: { suspended: 1, aborted: 1 } });
    const search = (await call('GET', `${t.url}/api/processes?q=acme%20ams&assignee=SYSTEM`)).body;
    expect(search.items.map((p: { processId: string }) => p.processId)).toEqual([id]);
    const callbacks = await call('GET', `${t.url}/api/processes/${id}/callbacks`);
    expect(callbacks.body).toMatchObject([{ status: 'received', payload: SUCCESS }]);
    expect((await call('GET', `${t.url}/api/processes/${ended}/callbacks`)).status).toBe(200);
  });

  it('serves health and the OpenAPI document', async () => {
    expect((await call('GET', `${t.url}/health`)).body).toMatchObject({ status: 'ok' });
    const doc = (await call('GET', `${t.url}/api/openapi.json`)).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/workflows',
        '/api/processes/{workflow}',
        '/api/processes/{id}/callback/{token}',
        '/api/processes/{id}/callback/{token}/progress',
        '/api/processes/{id}/state',
        '/health',
      ]),
    );
    expect((await fetch(`${t.url}/api/docs`)).status).toBe(200);
  });
});
