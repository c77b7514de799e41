/**
 * orchestrator-core's websocket at /oc/api/ws/events: authenticated at the upgrade (header or
 * `?token=` as OC's UI sends it), `__ping__` answered `__pong__`, and an `invalidateCache` for
 * each changed process and for the list when a process changes.
 */
import WebSocket from 'ws';
import { L2VPN_INPUT, api } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import { TestApp, startTestApp } from '../support/test-app';
import { ProjectionRunner } from '../../src/application/projections/projection-runner';

describe('OC events websocket (/oc/api/ws/events)', () => {
  let t: TestApp;
  let wsUrl: string;
  const open: WebSocket[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    wsUrl = `${t.url.replace(/^http/, 'ws')}/oc/api/ws/events`;
  });
  afterEach(() => {
    for (const ws of open.splice(0)) ws.terminate();
  });
  afterAll(() => t?.close());

  /** Connects; resolves with the socket and everything it receives, or with the refusal. */
  const connect = (url: string, headers: Record<string, string> = {}, protocols: string[] = []) =>
    new Promise<{ ws?: WebSocket; messages: string[]; refused?: number }>((resolve) => {
      const ws = new WebSocket(url, protocols, { headers });
      open.push(ws);
      const messages: string[] = [];
      ws.on('message', (data) => messages.push(data.toString()));
      ws.on('open', () => resolve({ ws, messages }));
      ws.on('unexpected-response', (_req, res) => resolve({ messages, refused: res.statusCode }));
      ws.on('error', () => resolve({ messages, refused: -1 }));
    });

  const waitFor = async (messages: string[], wanted: (m: string[]) => boolean) => {
    for (let i = 0; i < 200 && !wanted(messages); i++) await new Promise((r) => setTimeout(r, 25));
    return wanted(messages);
  };

  it('refuses an upgrade without a valid credential', async () => {
    expect((await connect(wsUrl)).refused).toBe(401);
    expect((await connect(`${wsUrl}?token=not-a-key`)).refused).toBe(401);
  });

  it('answers __ping__ with __pong__ (token in the query, as OC’s UI sends it)', async () => {
    const { ws, messages } = await connect(`${wsUrl}?token=${TEST_KEYS.auditor}`);
    ws!.send('__ping__');
    expect(await waitFor(messages, (m) => m.includes('__pong__'))).toBe(true);
  });

  it('takes the token from the subprotocols, as OC’s UI sends it when signed in (next-auth)', async () => {
    // The UI offers ['base64.bearer.token', <access token>]; a browser drops the socket unless
    // the server picks one of the offered protocols, and the token must never be echoed.
    const { ws, messages } = await connect(wsUrl, {}, ['base64.bearer.token', TEST_KEYS.auditor]);
    expect(ws?.protocol).toBe('base64.bearer.token');
    ws!.send('__ping__');
    expect(await waitFor(messages, (m) => m.includes('__pong__'))).toBe(true);
    expect((await connect(wsUrl, {}, ['base64.bearer.token', 'not-a-key'])).refused).toBe(401);
  });

  it('invalidates the changed process and the list when a process changes', async () => {
    const { ws, messages } = await connect(wsUrl, {
      authorization: `Bearer ${TEST_KEYS.auditor}`,
    });
    expect(ws).toBeDefined();
    // Let the follower join the feed before anything is appended.
    ws!.send('__ping__');
    await waitFor(messages, (m) => m.includes('__pong__'));
    const { body } = await api(t.url).start('create_l2vpn', L2VPN_INPUT);
    const forProcess = JSON.stringify({
      name: 'invalidateCache',
      value: { type: 'processes', id: body.id },
    });
    const forList = JSON.stringify({
      name: 'invalidateCache',
      value: { type: 'processes', id: 'LIST' },
    });
    expect(await waitFor(messages, (m) => m.includes(forProcess) && m.includes(forList))).toBe(
      true,
    );
    // Changes within the window go out together: never more messages than events appended.
    const events = (await api(t.url).events(body.id)).body.length;
    expect(messages.filter((m) => m === forProcess).length).toBeLessThanOrEqual(events);
  });
  // Found with the real orchestrator-ui on a busy machine: the UI refetches as soon as it is
  // told, so an invalidation sent before the read models apply the change leaves it showing the
  // old status until something else changes (an aborted process stayed "suspended").
  it('invalidates only once the read models the UI reads show the change', async () => {
    const { ws, messages } = await connect(wsUrl, {
      authorization: `Bearer ${TEST_KEYS.auditor}`,
    });
    ws!.send('__ping__');
    await waitFor(messages, (m) => m.includes('__pong__'));
    const runner = t.app.get(ProjectionRunner);
    const names = (await runner.where()).map((p) => p.name);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // Hold every read model still (as a slow projection would) while a process starts.
    const holding = names.reduceRight<() => Promise<void>>(
      (inner, name) => () => runner.exclusive(name, inner),
      () => released,
    )();
    const { body } = await api(t.url).start('create_l2vpn', L2VPN_INPUT);
    await new Promise((r) => setTimeout(r, 800)); // well past the 100 ms window
    expect(messages.filter((m) => m.includes('invalidateCache'))).toEqual([]);
    release();
    await holding;
    expect(await waitFor(messages, (m) => m.some((x) => x.includes(body.id)))).toBe(true);
  });
});
