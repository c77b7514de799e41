/**
 * Webhook delivery survives its instance (issue 19): two instances on one PostgreSQL, a
 * subscription delivered by one of them to a real (slowish) receiver; that instance is
 * SIGKILLed mid-delivery. The other takes the subscription over from its durable checkpoint:
 * every event arrives, in order, and the only repeat is the event in flight when the instance
 * died (answered 2xx, checkpoint not yet written) — never a gap.
 */
import { PgEventStore } from '../../src/infrastructure/postgres/pg-event-store';
import { call } from '../support/api';
import { PgFixture, startPgFixture } from '../support/pg-app';
import { ServiceProcess } from '../support/service-process';
import { appendFinishedProcesses } from '../support/webhook-events';
import { WebhookReceiver, startWebhookReceiver } from '../support/webhook-receiver';
import { startInstance } from './support/cluster';

const EVENTS = 300;
const KILL_AFTER = 100;
const SECRET = 'takeover-test-receiver-secret';
const KEY = Buffer.alloc(32, 7).toString('base64');

describe('webhook delivery, its instance SIGKILLed mid-delivery', () => {
  let pg: PgFixture;
  let receiver: WebhookReceiver;
  const instances: ServiceProcess[] = [];

  beforeAll(async () => {
    pg = await startPgFixture();
    receiver = await startWebhookReceiver(SECRET);
    receiver.answer = () => ({ status: 200, delayMs: 5 });
    for (let i = 0; i < 2; i++)
      instances.push(
        await startInstance(pg.db.connectionString, 'http://127.0.0.1:9', {
          WEBHOOK_SECRET_KEY: KEY,
          WEBHOOK_POLL_MS: '200',
          OWNERSHIP_CHECK_MS: '500',
        }),
      );
  });

  afterAll(async () => {
    for (const instance of instances) await instance.kill('SIGTERM');
    await receiver?.close();
    await pg?.close();
  });

  it('continues from the checkpoint on the other instance: nothing lost, one repeat at most', async () => {
    const created = await call('POST', `${instances[0].url}/api/webhooks`, {
      url: receiver.url,
      secret: SECRET,
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const pattern = new RegExp(`delivering webhook subscription ${id}`);
    const owner = await Promise.race(
      instances.map(async (s) => (await s.waitForOutput(pattern), s)),
    );
    const survivor = instances.find((s) => s !== owner) as ServiceProcess;
    const survivorFrom = survivor.output().length;

    const store = new PgEventStore(pg.db.pool);
    const appended = await appendFinishedProcesses(store, EVENTS);
    await receiver.waitFor(() => receiver.accepted().length >= KILL_AFTER, 60_000);
    const killedAt = Date.now();
    await owner.kill('SIGKILL');
    await survivor.waitForOutput(pattern, survivorFrom);
    const takeoverMs = Date.now() - killedAt;
    await receiver.waitFor(
      () => new Set(receiver.accepted().map((d) => d.id)).size >= EVENTS,
      120_000,
    );

    const accepted = receiver.accepted().map((d) => d.id);
    const firsts = accepted.filter((eventId, i) => accepted.indexOf(eventId) === i);
    expect(firsts).toEqual(appended.map((e) => e.eventId));
    const repeats = accepted.length - firsts.length;
    expect(repeats).toBeLessThanOrEqual(1);
    // In order throughout: a repeat can only be the event just before the takeover point.
    const positions = receiver.accepted().map((d) => d.position);
    const backwards = positions.filter((p, i) => i > 0 && p < positions[i - 1]);
    expect(backwards.length).toBeLessThanOrEqual(1);
    expect(receiver.deliveries.every((d) => d.signatureValid)).toBe(true);

    const detail = await call('GET', `${survivor.url}/api/webhooks/${id}`);
    expect(detail.body).toMatchObject({ status: 'active', behind: false });
    expect(detail.body.position).toBe(appended[EVENTS - 1].position);
    console.log(
      `webhook takeover: ${EVENTS} events, owner SIGKILLed after ${KILL_AFTER} accepted, survivor delivering again after ${takeoverMs} ms, ${repeats} repeat(s)`,
    );
    await store.close();
  }, 300_000);
});
