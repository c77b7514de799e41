/**
 * Exactly once under contention, on PostgreSQL over real HTTP: 100 simultaneous callbacks on
 * one token with different payloads yield one `accepted`, 99 × 409, one CallbackReceived.
 */
import { L2VPN_INPUT, SUCCESS, api } from '../support/api';
import { PgFixture, startPgTestApp } from '../support/pg-app';
import { TestApp } from '../support/test-app';

describe('concurrent callbacks on one token (PostgreSQL)', () => {
  let t: TestApp & { pg: PgFixture };

  beforeAll(async () => {
    // This is about exactly-once, not about flood control: with the default limits, most of
    // these 99 refusals from one address would be answered 429 (callback-hardening tests that).
    t = await startPgTestApp({
      runtime: {
        callbackRefusalLimits: { perProcess: 1000, perAddress: 1000, windowMs: 60_000 },
      },
    });
  });
  afterAll(() => t?.close());

  it('accepts exactly one of 100 different payloads and refuses the rest with 409', async () => {
    const client = api(t.url);
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    await client.awaitingCallback(body.id);
    const callbackUrl = await t.remote.callbackUrl();

    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        client.callback(callbackUrl, { ...SUCCESS, job_id: `job-${i}` }),
      ),
    );
    const byStatus = answers.reduce<Record<number, number>>(
      (acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }),
      {},
    );
    console.log(`100 concurrent callbacks answered: ${JSON.stringify(byStatus)}`);
    expect(byStatus).toEqual({ 200: 1, 409: 99 });
    expect(answers.find((a) => a.status === 200)?.body).toEqual({ status: 'accepted' });

    const events = (await client.events(body.id)).body as Array<{
      type: string;
      data: { reason?: string };
    }>;
    expect(events.filter((e) => e.type === 'CallbackReceived')).toHaveLength(1);
    const rejected = events.filter((e) => e.type === 'CallbackRejected');
    expect(rejected).toHaveLength(99);
    expect(new Set(rejected.map((e) => e.data.reason))).toEqual(new Set(['already_used']));
    // The one accepted payload is the one the process goes on with.
    const suspended = await client.waitFor(body.id, (d) => d.status === 'suspended');
    const accepted = events.find((e) => e.type === 'CallbackReceived') as unknown as {
      data: { payload: unknown };
    };
    expect(suspended.state.callback_result).toEqual(accepted.data.payload);
  });
});
