/**
 * `processChanged` over a real WebSocket with a graphql-ws client, against the running app on
 * embedded PostgreSQL: live events in order from the moment of subscribing, per process or all,
 * the same limits and error handling as queries, and no token in anything sent. The connection
 * authenticates in `connectionParams` (as the test auditor); without a valid key it is refused.
 */
import { Args, Context, Query, Resolver, Subscription } from '@nestjs/graphql';
import { Client } from 'graphql-ws';
import { Roles } from '../../src/interfaces/auth/access';
import { GraphqlContext } from '../../src/interfaces/graphql/graphql-context';
import { ProcessChangeFeed } from '../../src/application/feed/process-change-feed';
import { L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import { SubscriptionRecorder, graphql } from '../support/graphql';
import { startPgTestApp } from '../support/pg-app';

type PgTestApp = Awaited<ReturnType<typeof startPgTestApp>>;

/** Test-only fields that show what a resolver's context carries (what authentication reads). */
@Roles('auditor')
@Resolver()
class ContextProbeResolver {
  @Query(() => String)
  probeQuery(@Context() context: GraphqlContext): string {
    return JSON.stringify({ transport: context.transport, header: context.req.headers['x-probe'] });
  }

  @Subscription(() => String, { resolve: (value: string) => value })
  async *probeSubscription(
    @Args('note') note: string,
    @Context() context: GraphqlContext,
  ): AsyncGenerator<string> {
    yield JSON.stringify({
      note,
      transport: context.transport,
      params: context.connectionParams,
      upgradePath: context.req.url,
      actor: context.actor?.name,
    });
  }
}

const CHANGES = `
  subscription Changes($id: ID) {
    processChanged(id: $id) {
      processId type revision position at actor
      event { eventId data metadata { correlationId } }
      process { id status revision }
    }
  }`;

describe('GraphQL subscriptions (graphql-ws)', () => {
  let t: PgTestApp;
  let rest: ReturnType<typeof api>;
  let client: Client;
  let feed: ProcessChangeFeed;
  const recorders: SubscriptionRecorder[] = [];

  beforeAll(async () => {
    t = await startPgTestApp({ providers: [ContextProbeResolver] });
    rest = api(t.url);
    client = graphql(t.url, TEST_KEYS.auditor).wsClient();
    feed = t.app.get(ProcessChangeFeed);
  });
  afterAll(async () => {
    await client?.dispose();
    await t?.close();
  });

  /** Subscribes and waits until the server follows the store for it. */
  const subscribe = async (variables: Record<string, unknown> = {}) => {
    const before = feed.followerCount;
    const recorder = new SubscriptionRecorder(client, CHANGES, variables);
    recorders.push(recorder);
    const deadline = Date.now() + 15_000;
    while (feed.followerCount <= before) {
      if (recorder.error) throw new Error(`subscription failed: ${JSON.stringify(recorder.error)}`);
      if (Date.now() > deadline) throw new Error('the subscription never reached the server');
      await new Promise((r) => setTimeout(r, 20));
    }
    return recorder;
  };

  const changes = (recorder: SubscriptionRecorder) =>
    recorder.results.map((r) => {
      expect(r.errors).toBeUndefined();
      return r.data.processChanged;
    });

  it('streams every event of one process from the moment of subscribing, in order', async () => {
    const { body } = await rest.start('create_l2vpn', L2VPN_INPUT);
    const waiting = await rest.awaitingCallback(body.id);
    const recorder = await subscribe({ id: body.id });

    await rest.callback(await t.remote.callbackUrl(t.remote.requests.length), SUCCESS);
    await rest.waitFor(body.id, (d) => d.status === 'suspended');
    await rest.resume(body.id);
    await recorder.waitFor((rs) =>
      rs.some((r) => r.data?.processChanged.type === 'ProcessCompleted'),
    );

    const seen = changes(recorder);
    expect(seen.every((c) => c.processId === body.id)).toBe(true);
    // Nothing from before the subscription, then every revision once and in order.
    expect(seen.map((c) => c.revision)).toEqual(seen.map((_, i) => waiting.revision + 1 + i));
    const history = (await rest.events(body.id)).body.slice(waiting.revision + 1);
    expect(seen.map((c) => [c.type, c.position, c.event.eventId])).toEqual(
      history.map((e: any) => [e.type, e.position, e.eventId]),
    );
    expect(seen[0]).toMatchObject({
      type: 'CallbackReceived',
      event: { data: { payload: SUCCESS } },
    });
    // Each change comes with the process at its revision or later, never an older one.
    expect(seen.every((c) => c.process.revision >= c.revision)).toBe(true);
    expect(seen[seen.length - 1].process).toMatchObject({ id: body.id, status: 'completed' });
    recorder.unsubscribe();
  });

  it('without an id, streams the changes of all processes in global order', async () => {
    const before = (await rest.start('create_l2vpn', L2VPN_INPUT)).body.id;
    await rest.awaitingCallback(before);
    const recorder = await subscribe();
    const ids = await Promise.all(
      [1, 2].map(async () => (await rest.start('create_l2vpn', L2VPN_INPUT)).body.id as string),
    );
    await Promise.all(ids.map((id) => rest.awaitingCallback(id)));
    await recorder.waitFor((rs) =>
      ids.every((id) =>
        rs.some(
          (r) =>
            r.data?.processChanged.processId === id &&
            r.data.processChanged.type === 'CallbackActionCompleted',
        ),
      ),
    );
    const seen = changes(recorder);
    expect(seen.some((c) => c.processId === before)).toBe(false);
    const positions = seen.map((c) => c.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(positions.length);
    for (const id of ids) {
      expect(seen.filter((c) => c.processId === id).map((c) => c.revision)[0]).toBe(0);
    }
    recorder.unsubscribe();
  });

  it('hands resolvers the request, and for subscriptions the connection params', async () => {
    const { body } = await call(
      'POST',
      `${t.url}/api/graphql`,
      { query: '{ probeQuery }' },
      { 'x-probe': 'from-http' },
    );
    expect(JSON.parse(body.data.probeQuery)).toEqual({ transport: 'http', header: 'from-http' });
    const probe = new SubscriptionRecorder(
      client,
      'subscription { probeSubscription(note: "hi") }',
    );
    await probe.waitFor((rs) => rs.length === 1);
    expect(JSON.parse(probe.results[0].data.probeSubscription)).toEqual({
      note: 'hi',
      transport: 'websocket',
      params: { Authorization: `Bearer ${TEST_KEYS.auditor}` },
      upgradePath: '/api/graphql',
      actor: 'test-auditor',
    });
  });

  it('refuses a connection without a valid key before any subscription runs', async () => {
    const followers = feed.followerCount;
    const attempts = [{}, { Authorization: 'Bearer not-a-key' }, { 'X-API-Key': 'not-a-key' }];
    const refused = await Promise.all(
      attempts.map(async (params) => {
        const stranger = graphql(t.url, null).wsClient(params);
        const recorder = new SubscriptionRecorder(stranger, CHANGES);
        const deadline = Date.now() + 15_000;
        while (!recorder.error && !recorder.completed && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        await stranger.dispose();
        return { code: (recorder.error as { code?: number })?.code, results: recorder.results };
      }),
    );
    // graphql-ws closes the socket with 4403 Forbidden when onConnect refuses.
    expect(refused).toEqual(attempts.map(() => ({ code: 4403, results: [] })));
    expect(feed.followerCount).toBe(followers);

    // The key may come as X-API-Key too, and any role reaches the auditor's subscription.
    const operator = graphql(t.url, null).wsClient({ 'x-api-key': TEST_KEYS.operator });
    const probe = new SubscriptionRecorder(
      operator,
      'subscription { probeSubscription(note: "k") }',
    );
    await probe.waitFor((rs) => rs.length === 1);
    expect(JSON.parse(probe.results[0].data.probeSubscription).actor).toBe('test-operator');
    await operator.dispose();
  });

  it('applies validation and query limits to subscriptions too', async () => {
    const invalid = new SubscriptionRecorder(client, 'subscription { processChanged { nope } }');
    let nested = 'id';
    for (let i = 0; i < 3; i += 1)
      nested = `workflowDefinition { processes(first: 1) { edges { node { ${nested} } } } }`;
    const deep = new SubscriptionRecorder(
      client,
      `subscription { processChanged { process { ${nested} } } }`,
    );
    const broken = new SubscriptionRecorder(client, 'subscription { processChanged {');
    const deadline = Date.now() + 15_000;
    while (![invalid, deep, broken].every((r) => r.error) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const codes = [invalid, deep, broken].map((r) => (r.error as any)?.[0]?.extensions?.code);
    expect(codes).toEqual(['GRAPHQL_VALIDATION_FAILED', 'QUERY_TOO_DEEP', 'GRAPHQL_PARSE_FAILED']);
    expect(JSON.stringify([invalid, deep, broken].map((r) => r.error))).not.toMatch(
      /stacktrace|\n\s+at |node_modules/,
    );
  });

  it('sends no token, and stops following the store when the last subscriber leaves', async () => {
    await new Promise((r) => setTimeout(r, 0));
    for (const r of recorders) r.unsubscribe();
    const deadline = Date.now() + 15_000;
    while (feed.followerCount > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(feed.followerCount).toBe(0);

    const sent = JSON.stringify(recorders.map((r) => r.results));
    const tokens = t.remote.requests.map((r) => String(r.body.callback).split('/').pop()!);
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect(sent).not.toContain(token);
  });
});
