/**
 * The plain status poll (`GET /api/processes/{uuid}`, no query string) is answered ahead of
 * Express's router and Nest's pipeline. Its answer must be the regular route's answer (status,
 * body, ETag, 304, security headers, request id), and whatever it is not sure of (no or a bad
 * credential, a role that does not reach, an unknown process) must reach the regular route.
 */
import { hashApiKey } from '../../src/interfaces/auth/api-keys';
import { ProcessesController } from '../../src/interfaces/rest/processes.controller';
import { L2VPN_INPUT, api, call } from '../support/api';
import { TEST_API_KEYS } from '../support/auth';
import { TestApp, startTestApp } from '../support/test-app';
import { recordingTracing } from '../support/recording-tracing';

const NOC_ONLY_KEY = 'test-noc-only-key-Q8wE2rT4yU6iO8pA0sD2';

/**
 * Counts calls of a controller method. Wrapped before the app starts (Nest binds the route to the
 * method it finds then), with the method's metadata copied over: Nest finds the route by it.
 */
const countCalls = <T extends object>(prototype: T, name: keyof T & string): jest.Mock => {
  const original = prototype[name] as unknown as (...args: unknown[]) => unknown;
  const counter = jest.fn();
  const wrapped = function (this: unknown, ...args: unknown[]) {
    counter();
    return original.apply(this, args);
  };
  for (const key of Reflect.getMetadataKeys(original))
    Reflect.defineMetadata(key, Reflect.getMetadata(key, original), wrapped);
  Object.defineProperty(prototype, name, { value: wrapped, configurable: true, writable: true });
  afterAll(() =>
    Object.defineProperty(prototype, name, { value: original, configurable: true, writable: true }),
  );
  return counter;
};

describe('plain status polls answered ahead of the router', () => {
  let t: TestApp;
  const regularRoute = countCalls(ProcessesController.prototype, 'detail');

  beforeAll(async () => {
    t = await startTestApp({
      adapters: {
        auth: {
          apiKeys: [
            ...TEST_API_KEYS,
            // A team role only: it does not imply auditor, so the detail is not for it (403).
            { name: 'noc-only', roles: ['noc'], hash: hashApiKey(NOC_ONLY_KEY) },
          ],
          oidc: null,
        },
      },
    });
  });
  afterAll(() => t.close());
  beforeEach(() => regularRoute.mockClear());

  const started = async () => {
    const { body } = await api(t.url).start('create_l2vpn', L2VPN_INPUT);
    await api(t.url).awaitingCallback(body.id);
    return body.id as string;
  };

  it('answers as the regular route does, without reaching it', async () => {
    const id = await started();
    const plain = await call('GET', `${t.url}/api/processes/${id}`);
    expect(regularRoute).not.toHaveBeenCalled();
    const regular = await call('GET', `${t.url}/api/processes/${id}?_=1`);
    expect(regularRoute).toHaveBeenCalledTimes(1);
    expect(plain.status).toBe(200);
    expect(plain.body).toEqual(regular.body);
    expect(plain.body.status).toBe('awaiting_callback');
    for (const name of [
      'etag',
      'content-type',
      'content-security-policy',
      'x-content-type-options',
      'strict-transport-security',
    ])
      expect({ name, value: plain.headers!.get(name) }).toEqual({
        name,
        value: regular.headers!.get(name),
      });
    expect(plain.headers!.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const mine = await call('GET', `${t.url}/api/processes/${id}`, undefined, {
      'x-request-id': 'poll-42',
    });
    expect(mine.headers!.get('x-request-id')).toBe('poll-42');
  });

  it('answers 304 to a poll naming the current ETag', async () => {
    const id = await started();
    const first = await call('GET', `${t.url}/api/processes/${id}`);
    const etag = first.headers!.get('etag')!;
    const again = await call('GET', `${t.url}/api/processes/${id}`, undefined, {
      'if-none-match': etag,
    });
    expect(again.status).toBe(304);
    expect(again.headers!.get('etag')).toBe(etag);
    expect(regularRoute).not.toHaveBeenCalled();
  });

  it('leaves refusals to the regular route: 401, 403 and 404 as before', async () => {
    const id = await started();
    const anonymous = await call(
      'GET',
      `${t.url}/api/processes/${id}`,
      undefined,
      {},
      { key: null },
    );
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers!.get('www-authenticate')).toBe('Bearer realm="baton"');
    const wrong = await call('GET', `${t.url}/api/processes/${id}`, undefined, {
      authorization: 'Bearer not-a-key',
    });
    expect(wrong.status).toBe(401);
    const noc = await call(
      'GET',
      `${t.url}/api/processes/${id}`,
      undefined,
      {},
      {
        key: NOC_ONLY_KEY,
      },
    );
    expect(noc.status).toBe(403);
    expect(JSON.stringify(noc.body)).not.toContain('awaiting_callback');
    const unknown = await call(
      'GET',
      `${t.url}/api/processes/00000000-0000-4000-8000-000000000000`,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.statusCode).toBe(404);
    // Each of them went on to the route (the guard stops the first three before the handler).
    expect(regularRoute).toHaveBeenCalledTimes(1);
  });

  it('keeps answering with tracing on, inside the request span, named by the route', async () => {
    const { spans, tracing: recording } = recordingTracing();
    const traced = await startTestApp({ adapters: { tracing: recording } });
    try {
      const { body } = await api(traced.url).start('create_l2vpn', L2VPN_INPUT);
      regularRoute.mockClear();
      spans.length = 0;
      const poll = await call('GET', `${traced.url}/api/processes/${body.id}`);
      expect(poll.status).toBe(200);
      expect(regularRoute).not.toHaveBeenCalled();
      // The span ends when the server sees the response close, which may follow the answer.
      for (let i = 0; i < 100 && !spans.every((s) => s.ended); i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(spans).toEqual([
        {
          name: 'HTTP GET',
          attributes: expect.objectContaining({
            'http.route': '/api/processes/:id',
            'http.response.status_code': 200,
          }),
          ended: true,
        },
      ]);
    } finally {
      await traced.close();
    }
  });
});
