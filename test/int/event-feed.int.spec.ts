/**
 * The live event feed (issue #6, point 4) on the real PostgreSQL store: JSON pages with filters,
 * 400 for bad input, the published schema, and an SSE consumer that hangs up while ten writers
 * (each its own store, as separate app instances are) append, resumes with Last-Event-ID and
 * gets every event exactly once, in order.
 */
import Ajv2020 from 'ajv/dist/2020';
import { Pool } from 'pg';
import { ProcessRepository } from '../../src/application/process/process-repository';
import { PROCESS_EVENT_TYPES } from '../../src/domain/process/events';
import { openToken } from '../../src/domain/process/state';
import { PgEventStore } from '../../src/infrastructure/postgres/pg-event-store';
import { systemClock } from '../../src/infrastructure/system';
import { EventsFeedController } from '../../src/interfaces/rest/events-feed.controller';
import { L2VPN_INPUT, api, call } from '../support/api';
import { startPgTestApp } from '../support/pg-app';
import { SseClient } from '../support/sse-client';
import { TestApp, startTestApp } from '../support/test-app';

jest.setTimeout(180_000);

type Page = {
  events: Array<{ position: number; processId: string; type: string; data: object }>;
  next: number;
  caughtUp: boolean;
};

describe('event feed on PostgreSQL', () => {
  let t: TestApp & { pg: { db: { pool: Pool } } };
  let client: ReturnType<typeof api>;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startPgTestApp({
      adapters: {
        runtime: {
          publicUrl: 'http://placeholder',
          workflowSettings: { ANSIBLE_PROXY_URL: 'http://lso.test' },
          timerPollMs: 50,
          feedHeartbeatMs: 200,
        },
      },
    });
    client = api(t.url);
    for (let i = 0; i < 2; i++) {
      const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
      await client.awaitingCallback(body.id);
      ids.push(body.id);
    }
  });
  afterAll(() => t.close());

  const feed = (query: string, headers?: Record<string, string>) =>
    call('GET', `${t.url}/api/events${query}`, undefined, headers);

  /** Every page of a query, following `next` until caught up. */
  const pageThrough = async (query: string, limit: number) => {
    const events: Page['events'] = [];
    let after = 0;
    for (;;) {
      const { status, body } = await feed(`?after=${after}&limit=${limit}${query}`);
      expect(status).toBe(200);
      const page = body as Page;
      events.push(...page.events);
      expect(page.next).toBeGreaterThanOrEqual(after);
      after = page.next;
      if (page.caughtUp) return events;
    }
  };

  const history = async (id: string) =>
    (await client.events(id)).body as Array<{ position: number; type: string }>;

  it('pages every event in global order, and filters by type and process', async () => {
    const all = await pageThrough('', 3);
    const expected = [...(await history(ids[0])), ...(await history(ids[1]))]
      .map((e) => e.position)
      .sort((a, b) => a - b);
    expect(all.map((e) => e.position)).toEqual(expected);

    const issued = await pageThrough('&type=CallbackIssued,ProcessStarted', 1);
    expect(issued.map((e) => e.type).sort()).toEqual([
      'CallbackIssued',
      'CallbackIssued',
      'ProcessStarted',
      'ProcessStarted',
    ]);
    const repeated = await pageThrough('&type=CallbackIssued&type=ProcessStarted', 10);
    expect(repeated).toEqual(issued);

    const one = await pageThrough(`&processId=${ids[1]}`, 2);
    expect(one.map((e) => e.position)).toEqual((await history(ids[1])).map((e) => e.position));
    expect(new Set(one.map((e) => e.processId))).toEqual(new Set([ids[1]]));
    const oneIssued = await pageThrough(`&processId=${ids[1]}&type=CallbackIssued`, 5);
    expect(oneIssued).toHaveLength(1);
  });

  it('answers 400 to bad input', async () => {
    const bad = [
      '?after=-1',
      '?after=abc',
      '?limit=0',
      '?limit=100000',
      '?type=NoSuchEvent',
      '?type=ProcessStarted,Nope',
      '?processId=not-a-uuid',
      '?unknown=1',
    ];
    for (const query of bad) {
      const answer = await feed(query);
      expect({ query, status: answer.status }).toEqual({ query, status: 400 });
      expect(answer.body).toMatchObject({ statusCode: 400, error: expect.any(String) });
    }
    const stream = await feed('', { accept: 'text/event-stream', 'last-event-id': 'yesterday' });
    expect(stream.status).toBe(400);
    const sse = await feed('?limit=0', { accept: 'text/event-stream' });
    expect(sse.status).toBe(400);
  });

  it('publishes a JSON Schema for every event type, which the stored events satisfy', async () => {
    const { status, body } = await call('GET', `${t.url}/api/events/schema`);
    expect(status).toBe(200);
    const validate = new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(
      body,
    );
    const all = await pageThrough('', 1000);
    expect(new Set(all.map((e) => e.type)).size).toBeGreaterThanOrEqual(4);
    for (const event of all) {
      expect({ event, errors: validate(event) ? null : validate.errors }).toEqual({
        event,
        errors: null,
      });
    }
    const forged = { ...all[0], data: { ...all[0].data, extra: 1 } };
    expect(validate(forged)).toBe(false);
    expect(Object.keys(body.$defs).sort()).toEqual(
      [...PROCESS_EVENT_TYPES, 'EventMetadata'].sort(),
    );
    expect(body.$defs.CallbackReceived.properties.data.required).toEqual([
      'tokenId',
      'payload',
      'payloadHash',
    ]);
    expect(body.$defs.StepFailed.properties.data.required).not.toContain('retryAt');
  });

  it('streams live, sends heartbeats, and resumes after a disconnect with every event exactly once', async () => {
    const before = (await feed('?limit=1000')).body as Page;
    const start = before.next;

    // Ten writers, each with its own store (its own connections and transactions), reporting
    // progress on its own waiting process: concurrent appends that commit in any order.
    const writerIds: string[] = [];
    for (let i = 0; i < 10; i++) {
      const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
      writerIds.push(body.id);
    }
    await Promise.all(writerIds.map((id) => client.awaitingCallback(id)));
    const perWriter = 30;
    // Half of the writes before the consumer hangs up, the rest after: while it is away and
    // while it reconnects.
    let hangUp!: () => void;
    const hungUp = new Promise<void>((resolve) => (hangUp = resolve));
    const stores = writerIds.map(() => new PgEventStore(t.pg.db.pool));
    const writing = writerIds.map(async (id, n) => {
      const repository = new ProcessRepository(stores[n], systemClock);
      for (let i = 0; i < perWriter; i++) {
        if (i === perWriter / 2) await hungUp;
        const { state } = await repository.load(id);
        const token = openToken(state)!;
        await repository.execute(
          id,
          { type: 'ReportProgress', tokenId: token.tokenId, progress: { writer: n, i } },
          { actor: 'callback', correlationId: `w${n}`, causationId: null },
          state,
        );
      }
    });

    const first = await SseClient.open(`${t.url}/api/events?after=${start}`);
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/^text\/event-stream/);
    const progressSeen = (c: SseClient) =>
      c.messages.filter((m) => m.event === 'CallbackProgressReported').length;
    await first.waitFor((c) => progressSeen(c) >= 50);
    first.close();
    const seenFirst = [...first.messages];
    hangUp();
    const lastId = seenFirst[seenFirst.length - 1].id!;

    const resumed = await SseClient.open(`${t.url}/api/events?after=${start}`, {
      'last-event-id': lastId,
    });
    await Promise.all(writing);
    await Promise.all(stores.map((s) => s.close()));

    // Everything the store holds after `start`, read independently of the feed.
    const expected: number[] = [];
    for (let after = start; ;) {
      const page = (await feed(`?after=${after}&limit=1000`)).body as Page;
      expected.push(...page.events.map((e) => e.position));
      after = page.next;
      if (page.caughtUp) break;
    }
    const progress = (await Promise.all(writerIds.map(history))).flat();
    expect(progress.filter((e) => e.type === 'CallbackProgressReported')).toHaveLength(
      10 * perWriter,
    );

    const last = String(expected[expected.length - 1]);
    await resumed.waitFor((c) => c.messages.some((m) => m.id === last));
    await resumed.waitFor((c) => c.comments.some((text) => text.startsWith('heartbeat')));
    resumed.close();

    const received = [...seenFirst, ...resumed.messages];
    const positions = received.map((m) => Number(m.id));
    expect(positions).toEqual(expected); // each once, in order, none missing
    for (const message of received) {
      const event = JSON.parse(message.data);
      expect(message.event).toBe(event.type);
      expect(event.position).toBe(Number(message.id));
    }
    // Every writer's reports arrive in the order it wrote them.
    for (let n = 0; n < 10; n++) {
      const mine = received
        .map((m) => JSON.parse(m.data))
        .filter((e) => e.type === 'CallbackProgressReported' && e.data.progress.writer === n)
        .map((e) => e.data.progress.i);
      expect(mine).toEqual([...Array(perWriter).keys()]);
    }
  });

  it('reports projection and runner lag in /health, caught up once idle', async () => {
    const deadline = Date.now() + 20_000;
    let body: any;
    do {
      body = (await call('GET', `${t.url}/health`)).body;
      if (body.details.projections.every((p: { caughtUp: boolean }) => p.caughtUp)) break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    expect(body).toMatchObject({ status: 'ok', headPosition: expect.any(Number) });
    expect(body.details.projections).toEqual(
      ['process-summaries', 'callback-audit', 'step-log'].map((name) => ({
        name,
        checkpoint: body.headPosition,
        head: body.headPosition,
        caughtUp: true,
        behindMs: 0,
      })),
    );
    expect(body.details.runner).toMatchObject({ name: 'runner', head: body.headPosition });
  });

  it('stops following when the consumer hangs up', async () => {
    const stream = await SseClient.open(`${t.url}/api/events?type=ProcessCompleted`);
    await stream.waitFor((c) => c.comments.includes('connected'));
    const controller = t.app.get(EventsFeedController);
    const open = () => (controller as unknown as { streams: Set<unknown> }).streams.size;
    expect(open()).toBeGreaterThan(0);
    stream.close();
    const deadline = Date.now() + 10_000;
    while (open() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(open()).toBe(0);
  });

  it('streams only the chosen process and types', async () => {
    const id = ids[0];
    const stream = await SseClient.open(`${t.url}/api/events?processId=${id}&type=CallbackIssued`);
    await stream.waitFor((c) => c.messages.length >= 1);
    await stream.waitFor((c) => c.comments.some((text) => text.startsWith('heartbeat')));
    stream.close();
    expect(stream.messages).toHaveLength(1);
    expect(JSON.parse(stream.messages[0].data)).toMatchObject({
      processId: id,
      type: 'CallbackIssued',
    });
  });
});

describe('event feed on shutdown', () => {
  it('ends open streams, so the service stops instead of waiting for its consumers', async () => {
    const app = await startTestApp();
    const stream = await SseClient.open(`${app.url}/api/events`);
    await stream.waitFor((c) => c.comments.includes('connected'));
    const started = Date.now();
    await app.close();
    await stream.waitFor((c) => c.ended, 10_000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
