/**
 * Long polls of the process detail (`GET /api/processes/{id}?wait=<ms>` with If-None-Match):
 * held until the process moves past the revision the client has, 304 when it does not move in
 * time, answered at once without a matching ETag, 400 for a wait that is not a number.
 */
import { L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { TestApp, startTestApp } from '../support/test-app';

describe('long poll of the process detail', () => {
  let t: TestApp;
  let client: ReturnType<typeof api>;

  beforeEach(async () => {
    t = await startTestApp();
    client = api(t.url);
  });
  afterEach(() => t.close());

  const awaitingCallback = async () => {
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    await client.awaitingCallback(body.id);
    const seen = await client.detail(body.id);
    return {
      id: body.id as string,
      revision: seen.body.revision as number,
      etag: seen.headers!.get('etag')!,
      callbackUrl: await t.remote.callbackUrl(),
    };
  };
  const longPoll = (id: string, wait: string, etag?: string) =>
    call('GET', `${t.url}/api/processes/${id}?wait=${wait}`, undefined, {
      ...(etag ? { 'if-none-match': etag } : {}),
    });

  it('holds the answer until the process moves, then answers the new detail', async () => {
    const { id, revision, etag, callbackUrl } = await awaitingCallback();
    let answered = false;
    const polled = longPoll(id, '15000', etag).then((answer) => {
      answered = true;
      return answer;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    expect((await client.callback(callbackUrl, SUCCESS)).status).toBe(200);
    const answer = await polled;
    expect(answer.status).toBe(200);
    expect(answer.body.revision).toBeGreaterThan(revision);
    expect(answer.headers!.get('etag')).not.toBe(etag);
  });

  it('answers 304 when the process did not move within the wait', async () => {
    const { id, etag } = await awaitingCallback();
    const answer = await longPoll(id, '200', etag);
    expect(answer.status).toBe(304);
    expect(answer.headers!.get('etag')).toBe(etag);
  });

  it('answers at once without an ETag of the current revision', async () => {
    const { id, revision, etag } = await awaitingCallback();
    const options = { timeoutMs: 5000 };
    const none = await call(
      'GET',
      `${t.url}/api/processes/${id}?wait=20000`,
      undefined,
      {},
      options,
    );
    expect(none.status).toBe(200);
    const older = etag.replace(`.${revision}"`, `.${revision - 1}"`);
    const stale = await call(
      'GET',
      `${t.url}/api/processes/${id}?wait=20000`,
      undefined,
      { 'if-none-match': older },
      options,
    );
    expect(stale.status).toBe(200);
    expect(stale.body.revision).toBe(revision);
    const foreign = await call(
      'GET',
      `${t.url}/api/processes/${id}?wait=20000`,
      undefined,
      { 'if-none-match': '"something-else"' },
      options,
    );
    expect(foreign.status).toBe(200);
  });

  it.each(['abc', '-1', '1.5', ''])('answers 400 for wait=%s', async (wait) => {
    const { id, etag } = await awaitingCallback();
    const answer = await longPoll(id, wait, etag);
    expect(answer.status).toBe(400);
  });

  it('answers 404 for an unknown process without waiting', async () => {
    const answer = await call(
      'GET',
      `${t.url}/api/processes/3f1c2a8e-0000-4000-8000-000000000000?wait=20000`,
      undefined,
      { 'if-none-match': '"d1.3f1c2a8e-0000-4000-8000-000000000000.0"' },
      { timeoutMs: 5000 },
    );
    expect(answer.status).toBe(404);
  });
});
