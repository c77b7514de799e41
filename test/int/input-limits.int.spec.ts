/**
 * Input limits and HTTP hardening over real HTTP: body size per route, JSON depth, string and
 * array lengths (each a clear 4xx that writes nothing), security headers, and CORS (off unless
 * configured).
 */
import { L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { TestApp, startTestApp } from '../support/test-app';

const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

describe('input limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const head = () => t.adapters.eventStore.headPosition();
  const start = (body: unknown) => call('POST', `${t.url}/api/processes/create_l2vpn`, body);

  it('refuses each breach with a clear 4xx and writes nothing', async () => {
    const before = await head();
    const cases: Array<[string, unknown, number, string]> = [
      [
        '64 KiB body',
        { ...L2VPN_INPUT, customer: 'x'.repeat(70_000) },
        413,
        'exceeds the 64 KiB limit of this route',
      ],
      ['depth', { ...L2VPN_INPUT, extra: nested(20) }, 400, 'nest at most 16 levels'],
      ['string', { ...L2VPN_INPUT, customer: 'x'.repeat(10_001) }, 400, 'at most 10000 characters'],
      ['array', { ...L2VPN_INPUT, extra: new Array(1001).fill(1) }, 400, 'at most 1000 items'],
      ['deep text', '['.repeat(200_000) + ']'.repeat(200_000), 400, 'nest at most 32 levels'],
      ['2 MiB', 'x'.repeat(2 * 1024 * 1024), 413, 'exceeds the 1 MiB limit'],
    ];
    for (const [name, body, status, message] of cases) {
      const answer = await start(body);
      expect({ name, status: answer.status }).toEqual({ name, status });
      expect(answer.body.message).toContain(message);
    }
    expect(await head()).toBe(before);
  });

  it('refuses a callback nested past its limit with 400, recording nothing, and keeps the token open', async () => {
    const client = api(t.url);
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    await client.awaitingCallback(body.id);
    const url = await t.remote.callbackUrl(t.remote.requests.length);
    const before = (await client.events(body.id)).body.length;
    const deep = await client.callback(url, { ...SUCCESS, output: nested(40) });
    expect(deep.status).toBe(400);
    expect(deep.body.message).toContain('nest at most 32 levels');
    const deepProgress = await call('POST', `${url}/progress`, nested(40), {}, { key: null });
    expect(deepProgress.status).toBe(400);
    expect((await client.events(body.id)).body).toHaveLength(before);
    expect((await client.callback(url, SUCCESS)).body).toEqual({ status: 'accepted' });
  });

  it('sends security headers and no CORS headers by default', async () => {
    const answer = await call('GET', `${t.url}/api/workflows`, undefined, {
      origin: 'https://evil.example',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers!.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers!.get('content-security-policy')).toContain("default-src 'self'");
    expect(answer.headers!.get('x-powered-by')).toBeNull();
    expect(answer.headers!.get('access-control-allow-origin')).toBeNull();
    expect((await call('GET', `${t.url}/api/docs`, undefined, {}, { key: null })).status).toBe(200);
  });
});

describe('CORS when configured', () => {
  it('allows only the configured origins', async () => {
    const t = await startTestApp({ http: { corsOrigins: ['https://ui.example'] } });
    try {
      const allowed = await call('GET', `${t.url}/api/workflows`, undefined, {
        origin: 'https://ui.example',
      });
      expect(allowed.headers!.get('access-control-allow-origin')).toBe('https://ui.example');
      const other = await call('GET', `${t.url}/api/workflows`, undefined, {
        origin: 'https://evil.example',
      });
      expect(other.headers!.get('access-control-allow-origin')).toBeNull();
      const preflight = await call(
        'OPTIONS',
        `${t.url}/api/processes/create_l2vpn`,
        undefined,
        {
          origin: 'https://ui.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
        { key: null },
      );
      expect(preflight.status).toBe(204);
      expect(preflight.headers!.get('access-control-allow-headers')).toContain('Authorization');
    } finally {
      await t.close();
    }
  });
});
