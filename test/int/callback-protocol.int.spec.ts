/**
 * The callback protocol (DESIGN §5) over real HTTP, on the in-memory store: every answer a
 * remote service can get, and what each one leaves in the stream.
 */
import { FAILURE, L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { TestApp, startTestApp } from '../support/test-app';

describe('callback protocol', () => {
  let t: TestApp;
  let client: ReturnType<typeof api>;

  beforeEach(async () => {
    t = await startTestApp();
    client = api(t.url);
  });
  afterEach(() => t.close());

  const startAndAwait = async () => {
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    await client.awaitingCallback(body.id);
    return { id: body.id as string, callbackUrl: await t.remote.callbackUrl() };
  };
  const types = async (id: string): Promise<string[]> =>
    (await client.events(id)).body.map((e: { type: string }) => e.type);

  it('sends an LSO-compatible request with a one-time callback URL', async () => {
    const { id, callbackUrl } = await startAndAwait();
    const [request] = t.remote.requests;
    expect(request.url).toBe('http://lso.test/api/playbook/');
    expect(request.body).toMatchObject({
      playbook_name: 'playbook.yml',
      inventory: 'ams-r1\nlon-r2',
      extra_vars: {
        vlan: 100,
        SiteA: 'ams-r1',
        interfaceA: 'xe-0/0/1',
        SiteB: 'lon-r2',
        interfaceB: 'xe-0/0/2',
      },
    });
    expect(callbackUrl).toMatch(
      new RegExp(`^${t.url}/api/processes/${id}/callback/[A-Za-z0-9_-]{43}$`),
    );
    expect(request.body.progress).toBe(`${callbackUrl}/progress`);
  });

  it('accepts once, answers duplicate for a byte-identical re-delivery, 409 for another payload', async () => {
    const { id, callbackUrl } = await startAndAwait();
    expect(await client.callback(callbackUrl, SUCCESS)).toEqual({
      status: 200,
      body: { status: 'accepted' },
    });
    expect(await client.callback(callbackUrl, SUCCESS)).toEqual({
      status: 200,
      body: { status: 'duplicate' },
    });
    const other = await client.callback(callbackUrl, { ...SUCCESS, output: 'different' });
    expect(other.status).toBe(409);
    const events = await types(id);
    expect(events.filter((e) => e === 'CallbackReceived')).toHaveLength(1);
    expect(events.filter((e) => e === 'CallbackRejected')).toHaveLength(1);
  });

  it('accepts a callback that arrives before the action step returns', async () => {
    let answer: unknown;
    t.remote.beforeAnswer = async (request) => {
      answer = await client.callback(String(request.body.callback), SUCCESS);
    };
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    const detail = await client.waitFor(body.id, (d) => d.status === 'suspended');
    expect(answer).toEqual({ status: 200, body: { status: 'accepted' } });
    expect(detail.form.values.run_status).toBe('successful');
    expect(await types(body.id)).not.toContain('CallbackActionCompleted');
  });

  it('keeps other processes moving while one waits on a slow runner', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    t.remote.beforeAnswer = () => (t.remote.requests.length === 1 ? slow : undefined);
    const a = (await client.start('create_l2vpn', L2VPN_INPUT)).body.id;
    await t.remote.callbackUrl(1);
    const b = (await client.start('create_l2vpn', L2VPN_INPUT)).body.id;
    await client.awaitingCallback(b);
    expect((await client.detail(a)).body.callback.actionCompleted).toBe(false);
    release();
    await client.awaitingCallback(a);
  });

  it('never echoes the token, even for a wrong method on a callback URL', async () => {
    const { callbackUrl } = await startAndAwait();
    const token = callbackUrl.split('/callback/')[1];
    const wrongMethod = await call('GET', callbackUrl);
    expect(wrongMethod.status).toBe(404);
    expect(JSON.stringify(wrongMethod.body)).not.toContain(token);
    expect(t.logs.lines.join('\n')).not.toContain(token);
  });

  it('answers 404 with one body for an unknown process and an unknown token', async () => {
    const { id, callbackUrl } = await startAndAwait();
    const unknownToken = await call(
      'POST',
      `${t.url}/api/processes/${id}/callback/${'x'.repeat(43)}`,
      SUCCESS,
    );
    const unknownProcess = await call(
      'POST',
      callbackUrl.replace(id, '00000000-0000-4000-8000-000000000000'),
      SUCCESS,
    );
    expect(unknownToken.status).toBe(404);
    expect(unknownProcess).toEqual(unknownToken);
    expect(await types(id)).not.toContain('CallbackRejected');
  });

  it('answers 400 for a body that is not JSON or fails the payload schema, and keeps the token open', async () => {
    const { id, callbackUrl } = await startAndAwait();
    const notJson = await call('POST', callbackUrl, '{"return_code": 0,');
    expect(notJson.status).toBe(400);
    expect(notJson.body.message).toContain('not valid JSON');
    const wrongShape = await client.callback(callbackUrl, { return_code: 'zero' });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body.message).toContain('return_code');
    expect((await client.callback(callbackUrl, SUCCESS)).body).toEqual({ status: 'accepted' });
    const rejections = (await client.events(id)).body.filter(
      (e: { type: string }) => e.type === 'CallbackRejected',
    );
    expect(rejections.map((e: { data: { reason: string } }) => e.data.reason)).toEqual([
      'invalid_payload',
      'invalid_payload',
    ]);
  });

  it('answers 400 for text PostgreSQL cannot store (NUL), and keeps the token open', async () => {
    const { id, callbackUrl } = await startAndAwait();
    const nul = await call(
      'POST',
      callbackUrl,
      '{"job_id":"j1","output":"a\\u0000b","return_code":0,"status":"ok"}',
    );
    expect(nul.status).toBe(400);
    expect(JSON.stringify(nul.body)).not.toContain('a\\u0000b');
    const progress = await call('POST', `${callbackUrl}/progress`, 'line\u0000', {
      'content-type': 'text/plain',
    });
    expect(progress.status).toBe(400);
    expect((await client.callback(callbackUrl, SUCCESS)).status).toBe(200);
    expect(await types(id)).toContain('CallbackReceived');
    const start = await client.start('create_l2vpn', { ...L2VPN_INPUT, customer: 'AC\u0000ME' });
    expect(start.status).toBe(400);
  });

  it('answers 413 over 1 MiB and writes nothing', async () => {
    const { id, callbackUrl } = await startAndAwait();
    const before = (await client.events(id)).body.length;
    const big = await client.callback(callbackUrl, {
      ...SUCCESS,
      output: 'x'.repeat(1024 * 1024 + 10),
    });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect((await client.events(id)).body).toHaveLength(before);
  });

  it('fails the process on a non-zero return code; retry issues a new token and the old one answers 410', async () => {
    const { id, callbackUrl } = await startAndAwait();
    await client.callback(callbackUrl, FAILURE);
    const failed = await client.waitFor(id, (d) => d.status === 'failed');
    expect(failed.failedReason).toBe('Callback failure');
    expect(failed.failure.details).toEqual(FAILURE);
    expect((await client.retry(id)).status).toBe(204);
    const newUrl = await t.remote.callbackUrl(2);
    expect(newUrl).not.toBe(callbackUrl);
    expect((await client.callback(callbackUrl, SUCCESS)).status).toBe(410);
    expect((await client.callback(callbackUrl, FAILURE)).status).toBe(410);
    await client.awaitingCallback(id);
    expect((await client.callback(newUrl, SUCCESS)).body).toEqual({ status: 'accepted' });
    await client.waitFor(id, (d) => d.status === 'suspended');
  });

  it('revokes the token on abort: the callback then answers 410', async () => {
    const { id, callbackUrl } = await startAndAwait();
    expect((await client.abort(id, 'wrong vlan')).status).toBe(204);
    expect((await client.callback(callbackUrl, SUCCESS)).status).toBe(410);
    expect((await client.abort(id)).status).toBe(409);
    const detail = (await client.detail(id)).body;
    expect(detail.status).toBe('aborted');
  });

  it('records progress reports as JSON or text and shows the last one', async () => {
    const { id, callbackUrl } = await startAndAwait();
    expect(
      (await call('POST', `${callbackUrl}/progress`, { task: 'configure', pct: 50 })).status,
    ).toBe(200);
    expect(
      (
        await call('POST', `${callbackUrl}/progress`, 'TASK [configure vlan]', {
          'content-type': 'text/plain',
        })
      ).status,
    ).toBe(200);
    expect((await client.detail(id)).body.callback.lastProgress).toBe('TASK [configure vlan]');
    const progress = (await client.events(id)).body.filter(
      (e: { type: string }) => e.type === 'CallbackProgressReported',
    );
    expect(progress.map((e: { data: { progress: unknown } }) => e.data.progress)).toEqual([
      { task: 'configure', pct: 50 },
      'TASK [configure vlan]',
    ]);
  });

  it('revokes the token and fails the step when the runner refuses the playbook', async () => {
    t.remote.answer = () => ({ status: 422, body: { detail: 'bad inventory' } });
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    const failed = await client.waitFor(body.id, (d) => d.status === 'failed');
    expect(failed.failedReason).toBe('Ansible runner refused the playbook (422)');
    expect(failed.callback.status).toBe('revoked');
    expect((await client.callback(await t.remote.callbackUrl(), SUCCESS)).status).toBe(410);
  });
});
