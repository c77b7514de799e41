/**
 * Issue 16, item 2: after a logical restore the transaction-id counter starts again, so without
 * a correction new events get positions below everything stored (and below every checkpoint).
 * Simulated here by lowering the position base, which is what a fresh counter amounts to: the
 * stored events are then far ahead of what a new transaction would get.
 */
import { RecordedEvent } from '../../src/application/ports/event-store';
import { PgEventStore } from '../../src/infrastructure/postgres/pg-event-store';
import { raisePositionBaseIfBehind } from '../../src/infrastructure/postgres/position-base';
import { PgFixture, startPgFixture } from '../support/pg-app';

jest.setTimeout(120_000);

const event = (type: string) => ({
  type,
  data: {},
  metadata: {
    at: new Date(0).toISOString(),
    actor: 't',
    correlationId: 'c',
    causationId: null,
    schemaVersion: 1,
  },
});

describe('positions after a logical restore', () => {
  let pg: PgFixture;
  beforeAll(async () => {
    pg = await startPgFixture();
  });
  afterAll(() => pg?.close());

  it('raises the base at start-up so new events come after every stored one and are followed', async () => {
    const store = new PgEventStore(pg.db.pool, { idlePollMs: 50 });
    await store.append('process-before', [event('One'), event('Two')], 'no_stream');
    const head = await store.headPosition();
    expect(await raisePositionBaseIfBehind(pg.db.pool)).toBeNull(); // nothing to do normally

    // The restore: the rows keep their positions, the counter starts far below them.
    await pg.db.pool.query('UPDATE events_position_base SET base = base - 1000000000');

    const raise = await raisePositionBaseIfBehind(pg.db.pool);
    expect(raise).toEqual(expect.objectContaining({ highest: head }));
    expect(raise!.to).toBeGreaterThan(raise!.from);
    expect(await raisePositionBaseIfBehind(pg.db.pool)).toBeNull(); // done once

    // A follower checkpointed at the old head (runner, projections, feed) sees the new event.
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribeAll(head, async (events) => void seen.push(...events));
    const { lastPosition } = await store.append('process-after', [event('Three')], 'no_stream');
    expect(lastPosition).toBeGreaterThan(head);
    const deadline = Date.now() + 10_000;
    while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(seen.map((e) => e.type)).toEqual(['Three']);
    expect(await store.headPosition()).toBe(lastPosition);
    expect((await store.readAll({ after: head, limit: 10 })).map((e) => e.type)).toEqual(['Three']);
    await subscription.close();
    await store.close();
  });
});
