/**
 * Issue #16 item 6 (first part): accepted progress reports were unlimited. Each is an event of
 * up to 1 MiB and the callback audit keeps them all in one row, so about 256 posts on one token
 * passed PostgreSQL's jsonb limit and stopped that projection for everyone. Reports are now
 * bounded per token, by count and by bytes: past either, 429 and nothing stored.
 */
import { L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { TestApp, startTestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ runtime: { progressLimits: { maxReports: 3, maxBytes: 2000 } } });
});
afterAll(() => t?.close());

const open = async () => {
  const client = api(t.url);
  const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
  await client.awaitingCallback(body.id);
  return { id: body.id as string, url: await t.remote.callbackUrlOf(body.id) };
};
const report = (url: string, text: string) =>
  call('POST', `${url}/progress`, text, { 'content-type': 'text/plain' }, { key: null });
const reports = async (id: string) =>
  (await api(t.url).events(id)).body.filter(
    (e: { type: string }) => e.type === 'CallbackProgressReported',
  ).length;

describe('progress reports per token', () => {
  it('refuses reports past the count limit with 429, storing nothing', async () => {
    const { id, url } = await open();
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await report(url, `task ${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(await reports(id)).toBe(3);
    const refused = await report(url, 'one more');
    expect(refused.body.message).toMatch(/progress/i);
    // The callback itself is not a progress report: it is still accepted.
    expect((await api(t.url).callback(url, SUCCESS)).body).toEqual({ status: 'accepted' });
  });

  it('refuses a report that would pass the byte limit with 429, storing nothing', async () => {
    const { id, url } = await open();
    expect((await report(url, 'x'.repeat(1500))).status).toBe(200);
    expect((await report(url, 'y'.repeat(600))).status).toBe(429);
    expect((await report(url, 'z'.repeat(400))).status).toBe(200);
    expect(await reports(id)).toBe(2);
  });
});
