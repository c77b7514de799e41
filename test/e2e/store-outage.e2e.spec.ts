/**
 * PostgreSQL goes away while a process awaits its callback: the API answers 503 and writes
 * nothing, the token stays open, and once the database is back the same callback is accepted
 * and the runner carries on by itself.
 */
import { L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { PgFixture, startPgTestApp } from '../support/pg-app';
import { TestApp } from '../support/test-app';

describe('event store outage (PostgreSQL stopped and restarted)', () => {
  let t: TestApp & { pg: PgFixture };

  beforeAll(async () => {
    t = await startPgTestApp();
  });
  afterAll(() => t?.close());

  it('answers 503 while the store is down and accepts the same callback once it is back', async () => {
    const client = api(t.url);
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    await client.awaitingCallback(body.id);
    const callbackUrl = await t.remote.callbackUrl();
    const before = (await client.events(body.id)).body.length;

    await t.pg.postgres.stop();
    const refused = await client.callback(callbackUrl, SUCCESS);
    expect(refused).toEqual({
      status: 503,
      body: {
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'Event store unavailable; nothing was written',
        outcome: 'not_written',
      },
    });
    expect((await client.start('create_l2vpn', L2VPN_INPUT)).status).toBe(503);
    expect((await call('GET', `${t.url}/health`)).status).toBe(503);

    await t.pg.postgres.start();
    // The first request after the restart may still meet a connection the server dropped.
    let accepted = await client.callback(callbackUrl, SUCCESS);
    for (let i = 0; accepted.status === 503 && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 250));
      accepted = await client.callback(callbackUrl, SUCCESS);
    }
    expect(accepted).toEqual({ status: 200, body: { status: 'accepted' } });
    const events = (await client.events(body.id)).body as Array<{ type: string }>;
    expect(events.slice(before).map((e) => e.type)[0]).toBe('CallbackReceived');
    // The runner's subscription backed off during the outage and resumes on its own.
    await client.waitFor(body.id, (d) => d.status === 'suspended', 30_000);
  });
});
