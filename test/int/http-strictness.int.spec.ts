/**
 * Issue #16 item 4: no spelling of a path, and no client that stops sending, can keep a request
 * unanswered. Express matched routes case-insensitively while the raw-body exemption of callback
 * routes was case-sensitive, so `/CALLBACK/` had its body eaten by the JSON parser and the
 * handler waited for bytes that never came; a body announced but never sent hung until Node's own
 * 5-minute limit. Every answer now comes within the server's request deadline, and the token of
 * any spelling of a callback path stays out of the log.
 */
import { connect } from 'node:net';
import { L2VPN_INPUT, SUCCESS, api, request } from '../support/api';
import { TestApp, startTestApp } from '../support/test-app';
import { redactCallbackToken } from '../../src/interfaces/rest/logging';

const DEADLINE_MS = 1500;

/** Sends raw bytes and resolves with the status line, or 'no answer' after `waitMs`. */
const rawExchange = (url: string, text: string, waitMs: number): Promise<string> =>
  new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('no answer');
    }, waitMs);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n')) {
        clearTimeout(timer);
        socket.destroy();
        resolve(received.split('\r\n')[0]);
      }
    });
    socket.on('error', () => undefined);
  });

describe('every spelling of a path is answered, within the deadline', () => {
  let t: TestApp;
  let id: string;
  let callbackUrl: string;

  beforeAll(async () => {
    t = await startTestApp({ http: { requestDeadlineMs: DEADLINE_MS } });
    const client = api(t.url);
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    id = body.id;
    await client.awaitingCallback(id);
    callbackUrl = await t.remote.callbackUrl();
  });
  afterAll(() => t?.close());

  it.each([
    ['upper-case CALLBACK', (u: string) => u.replace('/callback/', '/CALLBACK/')],
    ['mixed-case Callback', (u: string) => u.replace('/callback/', '/Callback/')],
    ['upper-case PROCESSES', (u: string) => u.replace('/processes/', '/PROCESSES/')],
    ['percent-encoded letter', (u: string) => u.replace('/callback/', '/%63allback/')],
    ['upper-case progress', (u: string) => `${u}/PROGRESS`],
  ])('%s with a JSON body: answered, no 5xx, the token stays open', async (_name, spell) => {
    const answer = await request('POST', spell(callbackUrl), SUCCESS, {}, { key: null }).then(
      (r) => r.status,
      () => 'no answer',
    );
    // Same behaviour with a client that would wait forever: the answer must not depend on it.
    expect(answer).not.toBe('no answer');
    expect(answer).toBe(404);
    expect((await api(t.url).detail(id)).body.status).toBe('awaiting_callback');
  });

  it('answers a request whose announced body never comes within the deadline (408)', async () => {
    const status = await rawExchange(
      t.url,
      `PUT /api/processes/${id}/abort HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"rea`,
      DEADLINE_MS * 3,
    );
    expect(status).toMatch(/^HTTP\/1\.1 408/);
    expect((await api(t.url).detail(id)).body.status).toBe('awaiting_callback');
  });

  it('answers a callback whose announced body never comes within the deadline (408)', async () => {
    const path = new URL(callbackUrl).pathname;
    const status = await rawExchange(
      t.url,
      `POST ${path} HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"job`,
      DEADLINE_MS * 3,
    );
    expect(status).toMatch(/^HTTP\/1\.1 408/);
    expect((await api(t.url).detail(id)).body.status).toBe('awaiting_callback');
  });

  it('the real spelling still works', async () => {
    const answer = await request('POST', callbackUrl, SUCCESS, {}, { key: null });
    expect(answer.status).toBe(200);
  });
});

describe('log redaction of callback tokens', () => {
  const token = 'A'.repeat(43);
  it.each([
    `/api/processes/x/callback/${token}`,
    `/api/processes/x/CALLBACK/${token}`,
    `/api/processes/x/Callback/${token}/progress`,
    `/api/processes/x/%63allback/${token}`,
    `/api/processes/x/%43ALLBACK/${token}?a=1`,
    `/api/processes/x/callback//${token}`,
    `/api/processes/x/callback/%2F${token}`,
    `/api/processes/x/callback;v=1/${token}`,
  ])('%s keeps no token', (path) => {
    expect(redactCallbackToken(path)).not.toContain(token);
  });
});
