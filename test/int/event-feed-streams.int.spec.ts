/**
 * Issue #16 item 6 (second part): every SSE stream ran a polling subscription of its own, any
 * number of them per credential, and a stream opened with an OIDC token outlived the token. Now
 * streams share the one subscription GraphQL's `processChanged` uses, a credential may hold a
 * bounded number of them, and a stream ends when its token expires.
 */
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { Subscription } from '../../src/application/ports/event-store';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';
import { DEFAULT_OIDC_ALGORITHMS } from '../../src/domain/access/oidc-settings';
import { L2VPN_INPUT, api } from '../support/api';
import { TEST_API_KEYS, TEST_KEYS } from '../support/auth';
import { SubscriptionRecorder, graphql } from '../support/graphql';
import { SseClient } from '../support/sse-client';
import { LiveStreamQuota } from '../../src/interfaces/live-stream-quota';
import { TestApp, startTestApp } from '../support/test-app';

/** Counts the store.opened opened (each one polls or listens on its own). */
class CountingStore extends InMemoryEventStore {
  opened = 0;
  override subscribeAll(...args: Parameters<InMemoryEventStore['subscribeAll']>): Subscription {
    this.opened++;
    return super.subscribeAll(...args);
  }
}

const ISSUER = 'https://idp.test/realms/ops';

let t: TestApp;
let store: CountingStore;
let keys: Awaited<ReturnType<typeof generateKeyPair>>;
const open: SseClient[] = [];

beforeAll(async () => {
  keys = await generateKeyPair('RS256', { extractable: true });
  store = new CountingStore();
  t = await startTestApp({
    adapters: {
      eventStore: store,
      auth: {
        apiKeys: TEST_API_KEYS,
        oidc: {
          issuer: ISSUER,
          audience: 'baton',
          jwksUrl: null,
          publicKeyPem: await exportSPKI(keys.publicKey),
          clockSkewSeconds: 60,
          rolesClaim: 'roles',
          userClaim: 'preferred_username',
          algorithms: DEFAULT_OIDC_ALGORITHMS,
        },
      },
    },
    runtime: { feedStreamsPerCredential: 3 },
  });
});
/**
 * The server learns of a hang-up when the socket closes, some time after the client closed it
 * (longer on a loaded machine): wait until it has given back all but `left` slots, so the next
 * count starts from what the test expects rather than from a fixed pause.
 */
const slotsHeldUntil = async (left: number, timeoutMs = 10_000) => {
  const quota = t.app.get(LiveStreamQuota);
  const deadline = Date.now() + timeoutMs;
  while (quota.heldInAll > left && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  return quota.heldInAll;
};

afterEach(async () => {
  for (const client of open.splice(0)) client.close();
  expect(await slotsHeldUntil(0)).toBe(0);
});
afterAll(() => t?.close());

const stream = async (headers: Record<string, string> = {}) => {
  const client = await SseClient.open(`${t.url}/api/events?after=0`, headers);
  open.push(client);
  return client;
};

describe('SSE event streams', () => {
  it('share one store subscription, however many are open, and each gets every event', async () => {
    const before = store.opened;
    const clients = [await stream(), await stream(), await stream()];
    const { body } = await api(t.url).start('create_l2vpn', L2VPN_INPUT);
    await api(t.url).awaitingCallback(body.id);
    for (const client of clients)
      await client.waitFor((c) => c.messages.some((m) => m.data.includes(body.id)));
    expect(store.opened - before).toBeLessThanOrEqual(1);
  });

  it('are limited per credential: past the limit 429, other credentials unaffected', async () => {
    const mine = [await stream(), await stream(), await stream()];
    expect(mine.map((c) => c.status)).toEqual([200, 200, 200]);
    const fourth = await stream();
    expect(fourth.status).toBe(429);
    const other = await stream({ authorization: `Bearer ${TEST_KEYS.auditor}` });
    expect(other.status).toBe(200);
    mine[0].close();
    await slotsHeldUntil(3); // two of mine and the auditor's
    expect((await stream()).status).toBe(200);
  });

  it('end when the token they were opened with expires', async () => {
    const client = await stream({ authorization: `Bearer ${await shortLivedToken()}` });
    expect(client.status).toBe(200);
    await client.waitFor((c) => c.ended, 6000);
  });
});

describe('graphql-ws connections', () => {
  it('are closed (4403) when the token they authenticated with expires', async () => {
    const ws = graphql(t.url, null).wsClient({
      Authorization: `Bearer ${await shortLivedToken()}`,
    });
    const recorder = new SubscriptionRecorder(ws, 'subscription { processChanged { type } }');
    const deadline = Date.now() + 8000;
    while (!recorder.error && !recorder.completed && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await ws.dispose();
    expect((recorder.error as { code?: number })?.code).toBe(4403);
  });
});

describe('the per-credential quota', () => {
  const CHANGES = 'subscription { processChanged { processId type } }';
  const settle = () => new Promise((r) => setTimeout(r, 300));

  it('is shared by SSE streams and GraphQL subscriptions, and given back on complete and on close', async () => {
    const ws = graphql(t.url).wsClient();
    const subscriptions = [0, 1, 2].map(() => new SubscriptionRecorder(ws, CHANGES));
    // Subscribing is asynchronous: start processes until every subscription has seen one.
    const deadline = Date.now() + 15_000;
    while (subscriptions.some((live) => live.results.length === 0)) {
      if (Date.now() > deadline) throw new Error('the subscriptions never went live');
      await api(t.url).start('create_l2vpn', L2VPN_INPUT);
      await settle();
    }

    // Three subscriptions hold the admin's three slots: no SSE stream, no fourth subscription.
    expect((await stream()).status).toBe(429);
    const fourth = new SubscriptionRecorder(ws, CHANGES);
    const refusedBy = Date.now() + 5000;
    while (!fourth.error && Date.now() < refusedBy) await new Promise((r) => setTimeout(r, 20));
    const refusal = fourth.error as Array<{ message: string; extensions?: { code?: string } }>;
    expect(refusal[0].extensions?.code).toBe('RATE_LIMITED');
    expect(refusal[0].message).toMatch(/At most 3 live event streams/);
    // Another credential is not affected.
    expect((await stream({ authorization: `Bearer ${TEST_KEYS.auditor}` })).status).toBe(200);

    // A completed subscription gives its slot back.
    subscriptions[0].unsubscribe();
    await slotsHeldUntil(3); // two subscriptions and the auditor's stream
    expect((await stream()).status).toBe(200);

    // So does a closed connection, for every subscription it held.
    await ws.dispose();
    await slotsHeldUntil(2); // the admin's stream and the auditor's
    expect([(await stream()).status, (await stream()).status]).toEqual([200, 200]);
    expect((await stream()).status).toBe(429);
  });
});

/** An OIDC token that expires in two seconds (the verifier's clock skew still accepts it). */
const shortLivedToken = async () => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: ISSUER,
    aud: 'baton',
    iat: now,
    exp: now + 2,
    preferred_username: 'erin',
    roles: ['auditor'],
  })
    .setProtectedHeader({ alg: 'RS256' })
    .sign(keys.privateKey);
};
