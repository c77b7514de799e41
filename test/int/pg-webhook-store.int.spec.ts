/** PgWebhookStore on a real PostgreSQL: generations guard the checkpoint, attempts are trimmed. */
import { randomUUID } from 'node:crypto';
import { WebhookAttempt } from '../../src/application/ports/webhook-store';
import { PgWebhookStore } from '../../src/infrastructure/postgres/pg-webhook-store';
import { PgFixture, startPgFixture } from '../support/pg-app';

describe('PgWebhookStore', () => {
  let pg: PgFixture;
  let store: PgWebhookStore;
  beforeAll(async () => {
    pg = await startPgFixture();
    store = new PgWebhookStore(pg.db.pool);
  });
  afterAll(() => pg.close());

  const create = async () => {
    const id = randomUUID();
    await store.create({
      id,
      url: 'http://receiver.test/hook',
      description: null,
      eventTypes: ['ProcessCompleted'],
      workflows: [],
      sealedSecret: 'v1.sealed',
      createdAt: new Date().toISOString(),
      createdBy: 'admin',
      position: 10,
    });
    return id;
  };
  const attempt = (
    subscriptionId: string,
    n: number,
    statusCode: number | null,
  ): WebhookAttempt => ({
    subscriptionId,
    at: new Date(Date.now() + n).toISOString(),
    position: 10 + n,
    eventId: randomUUID(),
    eventType: 'ProcessCompleted',
    attempt: 1,
    statusCode,
    error: statusCode === 200 ? null : 'receiver answered 503',
    durationMs: 3,
  });

  it('moves the checkpoint only under the generation it was started from', async () => {
    const id = await create();
    const start = (await store.get(id))!;
    expect(start).toMatchObject({ status: 'active', position: 10, generation: 1, delivered: 0 });
    expect(await store.advance(id, 1, 20, 1)).toBe(true);
    expect(await store.replay(id, 5)).toBe(true); // an operator: generation 2
    expect(await store.advance(id, 1, 30, 1)).toBe(false); // the superseded delivery
    expect(await store.get(id)).toMatchObject({ position: 5, generation: 2, delivered: 1 });
    const failing = { position: 6, eventId: randomUUID(), eventType: 'X', reason: 'r', at: 'now' };
    expect(await store.pauseFailing(id, 1, failing)).toBe(false);
    expect(await store.pauseFailing(id, 2, failing)).toBe(true);
    expect(await store.get(id)).toMatchObject({
      status: 'paused',
      failing,
      pausedReason: 'r',
      generation: 3,
    });
    expect(await store.resume(id)).toBe(true);
    expect(await store.get(id)).toMatchObject({
      status: 'active',
      failing: null,
      pausedReason: null,
    });
  });

  it('keeps the latest attempts, counts failures, and forgets everything on delete', async () => {
    const id = await create();
    for (let n = 0; n < 8; n++) await store.recordAttempt(attempt(id, n, n % 2 ? 200 : 503), 5);
    const recent = await store.recentAttempts(id, 20);
    expect(recent).toHaveLength(5);
    expect(recent[0].position).toBe(17);
    expect(recent.map((a) => a.position)).toEqual(
      [...recent.map((a) => a.position)].sort((a, b) => b - a),
    );
    expect((await store.get(id))!.failures).toBe(4);
    expect(await store.remove(id)).toBe(true);
    expect(await store.recentAttempts(id, 20)).toEqual([]);
    expect(await store.get(id)).toBeNull();
  });

  it('treats a malformed id as unknown', async () => {
    expect(await store.get('not-a-uuid')).toBeNull();
    expect(await store.pause("x'; DROP TABLE webhook_subscriptions; --", 'r')).toBe(false);
    expect(await store.remove('nope')).toBe(false);
  });
});
