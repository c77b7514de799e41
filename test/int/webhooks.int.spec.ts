/**
 * Webhook deliveries to a real HTTP receiver (issue 19): order, signatures, retries with a
 * pause after the limit, resume and replay, isolation between subscriptions, SSRF refusals and
 * secrets that never come back.
 */
import { call } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import { TestApp, startTestApp } from '../support/test-app';
import { appendFinishedProcesses } from '../support/webhook-events';
import { WebhookReceiver, startWebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(60_000);

const SECRET = 'a-receiver-secret-of-some-length';

describe('webhook subscriptions', () => {
  let t: TestApp;
  const receivers: WebhookReceiver[] = [];
  const receiver = async () => {
    const r = await startWebhookReceiver(SECRET);
    receivers.push(r);
    return r;
  };
  const subscribe = async (url: string, extra: Record<string, unknown> = {}) => {
    const answer = await call('POST', `${t.url}/api/webhooks`, { url, secret: SECRET, ...extra });
    expect(answer.status).toBe(201);
    return answer.body as { id: string; position: number };
  };

  beforeAll(async () => {
    t = await startTestApp({
      adapters: {
        webhooks: {
          settings: {
            maxAttempts: 4,
            timeoutMs: 1000,
            backoffBaseMs: 10,
            backoffMaxMs: 40,
            pollMs: 50,
          },
        },
      },
    });
  });
  afterAll(async () => {
    await t.close();
    for (const r of receivers) await r.close();
  });

  it('delivers 1,000 events exactly once each, in global order, with signatures that verify', async () => {
    const r = await receiver();
    const { id } = await subscribe(r.url);
    const appended = await appendFinishedProcesses(t.adapters.eventStore, 1000);
    await r.waitFor(() => r.accepted().length >= 1000);
    expect(r.accepted().map((d) => d.id)).toEqual(appended.map((e) => e.eventId));
    expect(r.accepted().map((d) => d.position)).toEqual(appended.map((e) => e.position));
    // Never out of order, even counting retries (a retry repeats the event it is stuck on).
    const positions = r.deliveries.map((d) => d.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(r.deliveries.every((d) => d.signatureValid)).toBe(true);
    expect(r.deliveries[0].headers['baton-delivery-id']).toBe(appended[0].eventId);
    const detail = (await call('GET', `${t.url}/api/webhooks/${id}`)).body;
    expect(detail).toMatchObject({ status: 'active', delivered: 1000, behind: false });
    expect(detail.recentAttempts[0]).toMatchObject({ statusCode: 204, error: null });
  });

  it('retries a failing receiver, pauses after the limit with the failing event, and loses nothing on resume', async () => {
    const r = await receiver();
    // Healthy for 20 deliveries, then 503 twice, then no answer at all (timeouts).
    let down = true;
    r.answer = (_d, index) =>
      index < 20 || !down ? { status: 200 } : index < 22 ? { status: 503 } : 'hang';
    const { id } = await subscribe(r.url);
    const appended = await appendFinishedProcesses(t.adapters.eventStore, 100);
    const paused = async () => (await call('GET', `${t.url}/api/webhooks/${id}`)).body;
    await r.waitFor(() => r.deliveries.length >= 24);
    let detail = await paused();
    for (let i = 0; i < 100 && detail.status !== 'paused'; i++) {
      await new Promise((done) => setTimeout(done, 20));
      detail = await paused();
    }
    expect(detail.status).toBe('paused');
    expect(detail.failing).toMatchObject({
      position: appended[20].position,
      eventId: appended[20].eventId,
      eventType: appended[20].type,
    });
    expect(detail.pausedReason).toMatch(/no answer within 1000 ms \(after 4 attempts\)/);
    expect(detail.failures).toBe(4);
    expect(
      detail.recentAttempts.slice(0, 4).map((a: { statusCode: number | null }) => a.statusCode),
    ).toEqual([null, null, 503, 503]);
    expect(detail.behind).toBe(true);
    expect(JSON.stringify(detail)).not.toContain('receiver text');
    expect(r.deliveries).toHaveLength(24); // paused: nothing more goes out

    down = false;
    expect((await call('PUT', `${t.url}/api/webhooks/${id}/resume`)).status).toBe(204);
    await r.waitFor(() => r.accepted().length >= 100);
    // Every event accepted exactly once, in order; repeats only of deliveries not answered 2xx.
    expect(r.accepted().map((d) => d.id)).toEqual(appended.map((e) => e.eventId));
    const repeated = r.deliveries.length - r.accepted().length;
    expect(repeated).toBe(4);
    expect(
      r.deliveries.filter((d) => d.answered === null || d.answered >= 300).map((d) => d.id),
    ).toEqual(Array(4).fill(appended[20].eventId));
    expect(r.deliveries.every((d) => d.signatureValid)).toBe(true);
    const after = await paused();
    expect(after).toMatchObject({ status: 'active', failing: null, behind: false, lagMs: 0 });
    expect(after.position).toBe(appended[99].position);
  });

  it('replays from any position, and a dead receiver holds up no other subscription', async () => {
    const dead = await receiver();
    dead.answer = () => 'hang';
    const live = await receiver();
    await subscribe(dead.url);
    const { id } = await subscribe(live.url, { eventTypes: ['ProcessAborted'] });
    const appended = await appendFinishedProcesses(t.adapters.eventStore, 40);
    const aborted = appended.filter((e) => e.type === 'ProcessAborted');
    await live.waitFor(() => live.deliveries.length >= 20, 5000);
    expect(live.deliveries.map((d) => d.id)).toEqual(aborted.map((e) => e.eventId));
    expect(dead.accepted()).toHaveLength(0);

    const replay = await call('POST', `${t.url}/api/webhooks/${id}/replay`, {
      fromPosition: aborted[10].position,
    });
    expect(replay.status).toBe(204);
    await live.waitFor(() => live.deliveries.length >= 30, 5000);
    expect(live.deliveries.slice(20).map((d) => d.id)).toEqual(
      aborted.slice(10).map((e) => e.eventId),
    );
  });

  it('filters by workflow: events of other workflows are passed over, never sent', async () => {
    const r = await receiver();
    await subscribe(r.url, { workflows: ['create_l2vpn'] });
    const other = await appendFinishedProcesses(t.adapters.eventStore, 4, 'someone_elses_workflow');
    const ours = await appendFinishedProcesses(t.adapters.eventStore, 4);
    await r.waitFor(() => r.deliveries.length >= 4);
    expect(r.deliveries.map((d) => d.id)).toEqual(ours.map((e) => e.eventId));
    expect(r.deliveries.map((d) => d.id)).not.toContain(other[0].eventId);
  });

  it('refuses link-local and metadata receivers (SSRF) and bad filters with a 400, writing nothing', async () => {
    const before = (await call('GET', `${t.url}/api/webhooks`)).body.length;
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://[fe80::1]/x',
      'http://metadata.google.internal/computeMetadata/v1',
      'http://[::ffff:169.254.169.254]/',
      'file:///etc/passwd',
      'http://user:pw@example.test/',
    ]) {
      const answer = await call('POST', `${t.url}/api/webhooks`, { url, secret: SECRET });
      expect([url, answer.status]).toEqual([url, 400]);
    }
    const badType = await call('POST', `${t.url}/api/webhooks`, {
      url: 'http://127.0.0.1:9/',
      eventTypes: ['NoSuchEvent'],
    });
    expect(badType.status).toBe(400);
    expect((await call('GET', `${t.url}/api/webhooks`)).body).toHaveLength(before);
  });

  it('shows a secret it made once, never again, never in logs; operators may not manage webhooks', async () => {
    const made = await call('POST', `${t.url}/api/webhooks`, { url: 'http://127.0.0.1:9/x' });
    expect(made.status).toBe(201);
    expect(made.body.secret).toMatch(/^whsec_/);
    const list = JSON.stringify((await call('GET', `${t.url}/api/webhooks`)).body);
    const detail = JSON.stringify(
      (await call('GET', `${t.url}/api/webhooks/${made.body.id}`)).body,
    );
    for (const text of [list, detail, t.logs.lines.join('\n')]) {
      expect(text).not.toContain(made.body.secret);
      expect(text).not.toContain(SECRET);
    }
    expect(list).not.toContain('sealedSecret');
    const operator = await call(
      'GET',
      `${t.url}/api/webhooks`,
      undefined,
      {},
      { key: TEST_KEYS.operator },
    );
    expect(operator.status).toBe(403);
    expect((await call('DELETE', `${t.url}/api/webhooks/${made.body.id}`)).status).toBe(204);
    expect((await call('GET', `${t.url}/api/webhooks/${made.body.id}`)).status).toBe(404);
  });

  it('pauses a subscription whose secret this instance cannot open, saying why', async () => {
    const keyless = await startTestApp({
      adapters: {
        webhooks: {
          settings: { pollMs: 50 },
          secrets: {
            seal: (plain) => `sealed:${plain.length}`,
            open: () => {
              throw new Error('webhook secret cannot be opened with this WEBHOOK_SECRET_KEY');
            },
          },
        },
      },
    });
    try {
      const created = await call('POST', `${keyless.url}/api/webhooks`, {
        url: 'http://127.0.0.1:9/x',
        secret: SECRET,
      });
      expect(created.status).toBe(201);
      let detail = created.body;
      for (let i = 0; i < 100 && detail.status !== 'paused'; i++) {
        await new Promise((done) => setTimeout(done, 20));
        detail = (await call('GET', `${keyless.url}/api/webhooks/${created.body.id}`)).body;
      }
      expect(detail).toMatchObject({ status: 'paused' });
      expect(detail.pausedReason).toMatch(/^cannot sign: .*WEBHOOK_SECRET_KEY/);
    } finally {
      await keyless.close();
    }
  });
});
