/**
 * Callback hardening over real HTTP (in-memory store): per-workflow HMAC signatures, rate
 * limiting of refused attempts per process and per client address, and one code path (same
 * store work, same answer) for an unknown process and an unknown token.
 */
import { signBody } from '../../src/application/callbacks/signature';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';
import { L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { observedStore } from '../support/observed-store';
import { TestApp, startTestApp } from '../support/test-app';

const SECRET = 'lso-shared-secret-0123456789';

const startAndAwait = async (t: TestApp) => {
  const client = api(t.url);
  const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
  await client.awaitingCallback(body.id);
  return {
    id: body.id as string,
    callbackUrl: await t.remote.callbackUrl(t.remote.requests.length),
  };
};

const types = async (t: TestApp, id: string): Promise<string[]> =>
  (await api(t.url).events(id)).body.map((e: { type: string }) => e.type);

describe('signed callbacks (CALLBACK_HMAC_SECRETS)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    t.adapters.runtime.callbackSecrets = { create_l2vpn: SECRET };
  });
  afterAll(() => t.close());

  it('accepts a body signed with the workflow secret, refuses others with 401 and records them', async () => {
    const { id, callbackUrl } = await startAndAwait(t);
    const body = JSON.stringify(SUCCESS);
    const unsigned = await call('POST', callbackUrl, body, {}, { key: null });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.message).toBe('Callback signature rejected: signature missing');
    const wrong = await call(
      'POST',
      callbackUrl,
      body,
      { 'x-baton-signature': signBody('another-secret-0123456789', body) },
      { key: null },
    );
    expect(wrong.status).toBe(401);
    const progress = await call(
      'POST',
      `${callbackUrl}/progress`,
      'step 1',
      {
        'content-type': 'text/plain',
      },
      { key: null },
    );
    expect(progress.status).toBe(401);
    const signedProgress = await call(
      'POST',
      `${callbackUrl}/progress`,
      'step 1',
      { 'content-type': 'text/plain', 'x-baton-signature': signBody(SECRET, 'step 1') },
      { key: null },
    );
    expect(signedProgress.status).toBe(200);
    const good = await call(
      'POST',
      callbackUrl,
      body,
      { 'x-baton-signature': signBody(SECRET, body) },
      { key: null },
    );
    expect(good).toEqual({ status: 200, body: { status: 'accepted' } });
    const rejections = (await api(t.url).events(id)).body
      .filter((e: { type: string }) => e.type === 'CallbackRejected')
      .map((e: { data: { reason: string } }) => e.data.reason);
    expect(rejections).toEqual(['invalid_signature', 'invalid_signature', 'invalid_signature']);
    expect(await types(t, id)).toContain('CallbackReceived');
  });
});

describe('rate limiting of refused callback attempts', () => {
  let t: TestApp;
  afterEach(() => t.close());

  it('answers 429 past the per-address limit before looking anything up', async () => {
    t = await startTestApp({
      runtime: {
        callbackRefusalLimits: { perProcess: 1000, perAddress: 4, windowMs: 60_000 },
      },
    });
    const { callbackUrl } = await startAndAwait(t);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const guess = callbackUrl.replace(
        /\/api\/processes\/[^/]+\/callback\/[^/]+$/,
        `/api/processes/00000000-0000-4000-8000-00000000000${i}/callback/${'z'.repeat(43)}`,
      );
      statuses.push((await call('POST', guess, SUCCESS, {}, { key: null })).status);
    }
    expect(statuses).toEqual([404, 404, 404, 404, 429, 429]);
    const limited = await call('POST', callbackUrl, SUCCESS, {}, { key: null });
    expect(limited.status).toBe(429);
    expect(limited.headers!.get('retry-after')).toBe('60');
  });

  it('answers 429 past the per-process limit, records nothing more, and still takes the real delivery', async () => {
    t = await startTestApp({
      runtime: {
        callbackRefusalLimits: { perProcess: 3, perAddress: 1000, windowMs: 60_000 },
      },
    });
    const { id, callbackUrl } = await startAndAwait(t);
    const wrongToken = callbackUrl.replace(/[^/]+$/, 'x'.repeat(43));
    const notJson = '{"return_code":';
    const answers: number[] = [];
    for (let i = 0; i < 3; i++)
      answers.push((await call('POST', callbackUrl, notJson, {}, { key: null })).status);
    const rejectedBefore = (await types(t, id)).filter((e) => e === 'CallbackRejected').length;
    for (let i = 0; i < 5; i++) {
      answers.push((await call('POST', callbackUrl, notJson, {}, { key: null })).status);
      answers.push((await call('POST', wrongToken, SUCCESS, {}, { key: null })).status);
    }
    expect(answers.slice(0, 3)).toEqual([400, 400, 400]);
    expect(new Set(answers.slice(3))).toEqual(new Set([429]));
    expect((await types(t, id)).filter((e) => e === 'CallbackRejected')).toHaveLength(
      rejectedBefore,
    );
    // The runner holding the open token is not locked out by someone else's guesses.
    expect((await api(t.url).callback(callbackUrl, SUCCESS)).body).toEqual({ status: 'accepted' });
  });
});

describe('unknown process and unknown token', () => {
  it('take the same path: one read of the stream, no write, the same answer', async () => {
    const store = new InMemoryEventStore();
    const reads: string[] = [];
    const counting = observedStore(store, { onReadStream: (streamId) => reads.push(streamId) });
    const t = await startTestApp({ adapters: { eventStore: counting } });
    try {
      const { id, callbackUrl } = await startAndAwait(t);
      const head = await store.headPosition();
      const probe = async (url: string) => {
        reads.length = 0;
        const answer = await call('POST', url, SUCCESS, {}, { key: null });
        return { answer, reads: reads.length };
      };
      const unknownToken = await probe(callbackUrl.replace(/[^/]+$/, 'y'.repeat(43)));
      const unknownProcess = await probe(
        callbackUrl.replace(id, '00000000-0000-4000-8000-00000000abcd'),
      );
      expect(unknownToken.answer).toEqual({
        status: 404,
        body: { statusCode: 404, error: 'Not Found', message: 'Unknown process or callback token' },
      });
      expect(unknownProcess.answer).toEqual(unknownToken.answer);
      expect(unknownToken.reads).toBe(1);
      expect(unknownProcess.reads).toBe(1);
      expect(await store.headPosition()).toBe(head);
    } finally {
      await t.close();
    }
  });
});
