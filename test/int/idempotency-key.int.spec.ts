/**
 * Issue #16 item 5: Idempotency-Key. Over-long keys were cut to 100 characters (two keys with a
 * common prefix collided: a start answered with another request's process); the key was checked
 * before the decision, so concurrent requests with one key got different answers; a start's key
 * was scoped by workflow only, so two callers shared it; and CORS preflight did not allow it.
 */
import { FAILURE, L2VPN_INPUT, api, call, request } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';
import { TestApp, startTestApp } from '../support/test-app';

const ORIGIN = 'https://ops.example';

/** Appends take a while, as over a network: concurrent requests overlap for real. */
class SlowAppendStore extends InMemoryEventStore {
  override async append(...args: Parameters<InMemoryEventStore['append']>) {
    await new Promise((r) => setTimeout(r, 30));
    return super.append(...args);
  }
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    http: { corsOrigins: [ORIGIN] },
    adapters: { eventStore: new SlowAppendStore() },
  });
});
afterAll(() => t?.close());

const start = (key: string, options: { key?: string } = {}) =>
  call(
    'POST',
    `${t.url}/api/processes/create_l2vpn`,
    L2VPN_INPUT,
    { 'idempotency-key': key },
    options,
  );

const eventTypes = async (id: string): Promise<string[]> =>
  (await api(t.url).events(id)).body.map((e: { type: string }) => e.type);

describe('Idempotency-Key', () => {
  it('refuses a key over 255 characters with 400, starting nothing', async () => {
    const prefix = 'k'.repeat(100);
    const before = (await call('GET', `${t.url}/api/processes?limit=200`)).body.items.length;
    const long = await start(`${prefix}-first-${'x'.repeat(200)}`);
    expect(long.status).toBe(400);
    expect(long.body.message).toMatch(/Idempotency-Key/);
    // A key under the limit is kept whole: a common prefix is not the same key.
    const a = await start(`${prefix}-a`);
    const b = await start(`${prefix}-b`);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    const after = (await call('GET', `${t.url}/api/processes?limit=200`)).body.items.length;
    expect(after - before).toBeLessThanOrEqual(2);
  });

  it('scopes a start key by the caller: two callers with one key start two processes', async () => {
    const admin = await start('order-shared');
    const operator = await start('order-shared', { key: TEST_KEYS.operator });
    expect(admin.status).toBe(201);
    expect(operator.status).toBe(201);
    expect(operator.body.id).not.toBe(admin.body.id);
    // Each caller's retry still gets its own first answer.
    expect((await start('order-shared', { key: TEST_KEYS.operator })).body.id).toBe(
      operator.body.id,
    );
  });

  it('gives concurrent requests with one key the same answer and applies them once', async () => {
    const client = api(t.url);
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    await client.awaitingCallback(body.id);
    await client.callback(await t.remote.callbackUrlOf(body.id), FAILURE);
    await client.waitFor(body.id, (d) => d.status === 'failed');
    const retries = await Promise.all(
      Array.from({ length: 6 }, () =>
        call('PUT', `${t.url}/api/processes/${body.id}/retry`, undefined, {
          'idempotency-key': 'retry-once',
        }),
      ),
    );
    expect(retries.map((r) => r.status)).toEqual([204, 204, 204, 204, 204, 204]);
    expect((await eventTypes(body.id)).filter((e) => e === 'ProcessRetried')).toHaveLength(1);
  });

  it('is allowed by CORS preflight', async () => {
    const preflight = await request(
      'OPTIONS',
      `${t.url}/api/processes/create_l2vpn`,
      undefined,
      {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,idempotency-key',
      },
      { key: null },
    );
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'idempotency-key',
    );
  });
});
