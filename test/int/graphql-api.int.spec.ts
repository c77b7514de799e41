/**
 * GraphQL at /api/graphql on the running app and embedded PostgreSQL: real queries over HTTP,
 * the same answers as REST, Relay paging, batched nested lookups (statements counted), query
 * limits, errors that never leak, and no token anywhere in a result. Queries are made as the
 * test auditor (the least role GraphQL needs); without a valid key the answer is 401.
 */
import { getIntrospectionQuery } from 'graphql';
import { MAX_QUERY_COMPLEXITY, MAX_QUERY_DEPTH } from '../../src/interfaces/graphql/query-limits';
import { FAILURE, L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import { graphql } from '../support/graphql';
import { startPgTestApp } from '../support/pg-app';
import { StatementCounter } from '../support/statement-counter';

type PgTestApp = Awaited<ReturnType<typeof startPgTestApp>>;

const PAGE_QUERY = `
  query Page($filter: ProcessFilter, $first: Int, $after: String) {
    processes(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id status workflow currentStep assignee revision startedAt
          workflowDefinition { name version steps { name kind } }
          callbacks { tokenId status stepName progress { at } rejections { reason } }
        }
      }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;

describe('GraphQL API', () => {
  let t: PgTestApp;
  let rest: ReturnType<typeof api>;
  let gql: ReturnType<typeof graphql>;
  const counter = new StatementCounter();
  /** Every callback URL handed out: none of their tokens may appear in any answer. */
  const tokens = () =>
    t.remote.requests.map((r) => String(r.body.callback).split('/').pop() as string);
  const answers: string[] = [];

  const query = async (text: string, variables?: Record<string, unknown>) => {
    const answer = await gql.query(text, variables);
    answers.push(JSON.stringify(answer.body));
    return answer;
  };

  beforeAll(async () => {
    t = await startPgTestApp({
      withPool: (pool) => {
        counter.attach(pool);
        return { configure: (app) => counter.track(app, '/api/graphql') };
      },
    });
    rest = api(t.url);
    gql = graphql(t.url, TEST_KEYS.auditor);
  });
  afterAll(() => t?.close());

  afterAll(() => {
    // Checked last, over every answer the tests received.
    for (const token of tokens()) for (const a of answers) expect(a).not.toContain(token);
  });

  /** A process that went through its callback step and waits for the operator. */
  const suspendedProcess = async () => {
    const { body } = await rest.start('create_l2vpn', L2VPN_INPUT);
    await rest.awaitingCallback(body.id);
    const url = await t.remote.callbackUrl(t.remote.requests.length);
    await call('POST', `${url}/progress`, { progress: ['PLAY [all]'] });
    await rest.callback(url, SUCCESS);
    return (await rest.waitFor(body.id, (d) => d.status === 'suspended')).id as string;
  };

  /** Waits until the list read model shows these processes at their current revision. */
  const listed = async (ids: string[]) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const details = await Promise.all(ids.map((id) => rest.detail(id)));
      const { body } = await gql.query(PAGE_QUERY, { first: 100 });
      const nodes = body.data?.processes.edges.map((e: any) => e.node) ?? [];
      const current = details.every((d) =>
        nodes.some((n: any) => n.id === d.body.id && n.revision === d.body.revision),
      );
      if (current) return;
      if (Date.now() > deadline) throw new Error('the process list did not catch up');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  /** Waits until the callback audit read model shows what `until` asks of each process. */
  const audited = async (ids: string[], until: (entries: any[]) => boolean) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const audits = await Promise.all(
        ids.map(async (id) => {
          const { body } = await gql.query(
            'query($id: ID!) { callbacks(processId: $id) { status progress { at } } }',
            { id },
          );
          return body.data?.callbacks ?? [];
        }),
      );
      if (audits.every(until)) return;
      if (Date.now() > deadline) throw new Error('the callback audit did not catch up');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const receivedWithProgress = (entries: any[]) =>
    entries.some((e) => e.status === 'received' && e.progress.length > 0);

  it('needs a valid key: without one the answer is 401 UNAUTHENTICATED, with no data', async () => {
    const q = '{ workflows { name } counts { total } }';
    for (const key of [null, 'not-a-key']) {
      const answer = await graphql(t.url, key).query(q);
      answers.push(JSON.stringify(answer.body));
      expect(answer.status).toBe(401);
      expect(answer.headers?.get('www-authenticate')).toMatch(/^Bearer/);
      expect(answer.body.data ?? null).toBeNull();
      expect(answer.body.errors?.map((e) => e.extensions?.code)).toContain('UNAUTHENTICATED');
    }
    const asAuditor = await query(q);
    expect(asAuditor.status).toBe(200);
    expect(asAuditor.body.errors).toBeUndefined();
    expect(asAuditor.body.data?.counts.total).toEqual(expect.any(Number));
  });

  it('lists the workflows with their initial form and steps', async () => {
    const { status, body } = await query(
      '{ workflows { name version target initialForm steps { name kind } } }',
    );
    expect(status).toBe(200);
    const workflow = body.data!.workflows.find((w: any) => w.name === 'create_l2vpn');
    expect(workflow.initialForm.properties).toHaveProperty('vlan');
    expect(workflow.steps.map((s: any) => s.kind)).toContain('callback');
  });

  it('answers one process, its history and its callback audit as REST does', async () => {
    const id = await suspendedProcess();
    await audited([id], receivedWithProgress);
    const { body } = await query(
      `query One($id: ID!) {
        process(id: $id) {
          id status revision currentStep assignee state
          steps { name status delta }
          form { step title assignee }
          callback { tokenId status actionCompleted lastProgress }
          events { revision type data metadata { actor correlationId hash } }
          callbacks { tokenId status progress { progress } receivedAt payload }
          workflowDefinition { name version }
        }
        events(processId: $id) { eventId revision position type }
        callbacks(processId: $id) { tokenId status }
      }`,
      { id },
    );
    expect(body.errors).toBeUndefined();
    const detail = (await rest.detail(id)).body;
    const p = body.data.process;
    expect(p).toMatchObject({
      id,
      status: 'suspended',
      revision: detail.revision,
      currentStep: detail.currentStep,
      state: detail.state,
      form: { step: detail.form.step, title: detail.form.title },
      callback: { tokenId: detail.callback.tokenId, status: 'received', actionCompleted: true },
      workflowDefinition: { name: 'create_l2vpn', version: 1 },
    });
    expect(p.steps.map((s: any) => [s.name, s.status])).toEqual(
      detail.steps.map((s: any) => [s.name, s.status]),
    );
    const history = (await rest.events(id)).body;
    expect(body.data.events.map((e: any) => [e.eventId, e.revision, e.position, e.type])).toEqual(
      history.map((e: any) => [e.eventId, e.revision, e.position, e.type]),
    );
    expect(p.events.map((e: any) => e.metadata.hash)).toEqual(
      history.map((e: any) => e.metadata.hash),
    );
    expect(p.callbacks).toEqual([
      expect.objectContaining({
        tokenId: detail.callback.tokenId,
        status: 'received',
        // The report as the runner sent it (LSO's shape: {progress: [lines]}).
        progress: [{ progress: { progress: ['PLAY [all]'] } }],
        payload: SUCCESS,
      }),
    ]);
    expect(body.data.callbacks).toEqual([{ tokenId: detail.callback.tokenId, status: 'received' }]);
    const restAudit = (await call('GET', `${t.url}/api/processes/${id}/callbacks`)).body;
    expect(p.callbacks.map((c: any) => [c.tokenId, c.status, c.receivedAt])).toEqual(
      restAudit.map((c: any) => [c.tokenId, c.status, c.receivedAt]),
    );
  });

  it('pages through processes as a Relay connection, with filters', async () => {
    const suspended = await suspendedProcess();
    const { body: started } = await rest.start('create_l2vpn', L2VPN_INPUT);
    await rest.awaitingCallback(started.id);
    const failing = (await rest.start('create_l2vpn', L2VPN_INPUT)).body.id;
    await rest.awaitingCallback(failing);
    await rest.callback(await t.remote.callbackUrl(t.remote.requests.length), FAILURE);
    await rest.waitFor(failing, (d) => d.status === 'failed');
    await listed([suspended, started.id, failing]);
    await audited([suspended], receivedWithProgress);

    const all = (await query(PAGE_QUERY, { first: 100 })).body.data.processes;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page += 1) {
      const { body } = await query(PAGE_QUERY, { first: 2, after });
      const { edges, pageInfo } = body.data.processes;
      expect(pageInfo.hasPreviousPage).toBe(after !== null);
      expect(pageInfo.endCursor).toBe(edges[edges.length - 1].cursor);
      seen.push(...edges.map((e: any) => e.node.id));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toEqual(all.edges.map((e: any) => e.node.id));
    // Any edge's cursor continues right after it.
    const third = (await query(PAGE_QUERY, { first: 1, after: all.edges[1].cursor })).body;
    expect(third.data.processes.edges[0].node.id).toBe(all.edges[2].node.id);

    const failed = (await query(PAGE_QUERY, { filter: { status: 'failed' } })).body.data;
    expect(failed.processes.edges.map((e: any) => e.node.id)).toContain(failing);
    expect(failed.processes.edges.every((e: any) => e.node.status === 'failed')).toBe(true);
    const none = (await query(PAGE_QUERY, { filter: { workflow: 'no_such_workflow' } })).body;
    expect(none.data.processes).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
    const suspendedNode = all.edges.find((e: any) => e.node.id === suspended).node;
    expect(suspendedNode).toMatchObject({ status: 'suspended', assignee: 'SYSTEM' });
    expect(suspendedNode.callbacks[0]).toMatchObject({ status: 'received', progress: [{}] });
  });

  it("filters by assignee and by words of the description, with the REST list's cursors", async () => {
    const suspended = await suspendedProcess();
    const globex = (await rest.start('create_l2vpn', { ...L2VPN_INPUT, customer: 'Globex' })).body
      .id;
    await rest.awaitingCallback(globex);
    await listed([suspended, globex]);
    const ids = async (filter: Record<string, unknown>) => {
      const { body } = await query(PAGE_QUERY, { filter, first: 100 });
      expect(body.errors).toBeUndefined();
      return body.data.processes.edges.map((e: any) => e.node);
    };

    const system = await ids({ assignee: 'SYSTEM' });
    expect(system.map((n: any) => n.id)).toContain(suspended);
    expect(system.every((n: any) => n.assignee === 'SYSTEM')).toBe(true);
    expect(await ids({ assignee: 'nobody-at-all' })).toEqual([]);

    expect((await ids({ q: 'GLOB' })).map((n: any) => n.id)).toEqual([globex]);
    expect(
      (await ids({ q: 'globex ams', workflow: 'create_l2vpn' })).map((n: any) => n.id),
    ).toEqual([globex]);
    expect(await ids({ q: 'globex suspended-nowhere' })).toEqual([]);
    const acme = (await ids({ q: 'acme' })).map((n: any) => n.id);
    expect(acme).toContain(suspended);
    expect(acme).not.toContain(globex);
    expect(await ids({ status: 'parked' })).toEqual([]);

    const tooLong = await query(PAGE_QUERY, { filter: { q: 'x'.repeat(201) } });
    expect(tooLong.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    // A GraphQL cursor continues the REST list (same order) right after its process.
    const all = (await query(PAGE_QUERY, { first: 3 })).body.data.processes.edges;
    const next = await call('GET', `${t.url}/api/processes?limit=1&cursor=${all[1].cursor}`);
    expect(next.body.items.map((s: any) => s.processId)).toEqual([all[2].node.id]);
  });

  it('counts processes by status and workflow', async () => {
    const { body } = await query(
      '{ counts { total byStatus { status count } byWorkflow { workflow total byStatus { status count } } } }',
    );
    const counts = body.data.counts;
    const listedNow = (await query(PAGE_QUERY, { first: 100 })).body.data.processes.edges;
    expect(counts.total).toBe(listedNow.length);
    expect(counts.byWorkflow).toEqual([
      expect.objectContaining({ workflow: 'create_l2vpn', total: listedNow.length }),
    ]);
    expect(counts.byStatus.reduce((n: number, s: any) => n + s.count, 0)).toBe(counts.total);
  });

  it('reads a page of 100 processes with nested fields in the same few statements as a page of 5', async () => {
    const ids: string[] = [];
    for (let batch = 0; batch < 10; batch += 1) {
      const started = await Promise.all(
        Array.from({ length: 10 }, () => rest.start('create_l2vpn', L2VPN_INPUT)),
      );
      ids.push(...started.map((s) => s.body.id as string));
    }
    await Promise.all(ids.map((id) => rest.awaitingCallback(id)));
    await listed(ids.slice(-20));
    // Each listed process shows its issued callback once the audit read model caught up.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { body } = await gql.query(
        '{ processes(first: 100) { edges { node { callbacks { status } } } } }',
      );
      const edges = body.data?.processes.edges ?? [];
      if (edges.length === 100 && edges.every((e: any) => e.node.callbacks.length > 0)) break;
      if (Date.now() > deadline) throw new Error('the callback audit did not catch up');
      await new Promise((r) => setTimeout(r, 50));
    }

    const statementsFor = async (first: number) => {
      const { body } = await query(PAGE_QUERY, { first });
      expect(body.errors).toBeUndefined();
      const nodes = body.data.processes.edges.map((e: any) => e.node);
      expect(nodes).toHaveLength(first);
      // Every node really got its nested fields.
      for (const n of nodes) {
        expect(n.workflowDefinition.name).toBe('create_l2vpn');
        expect(n.callbacks.length).toBeGreaterThan(0);
        expect(n.currentStep).toEqual(expect.any(String));
      }
      return counter.last().statements;
    };
    const small = await statementsFor(5);
    const large = await statementsFor(100);
    process.stdout.write(
      `GraphQL page of 100 with nested fields: ${large.length} SQL statements (page of 5: ${small.length})\n${large.map((s) => `  ${s.replace(/\s+/g, ' ').slice(0, 120)}`).join('\n')}\n`,
    );
    // One for the page, one for the callback audit of all its processes; the workflow
    // definitions come from the registry.
    expect(large.length).toBe(small.length);
    expect(large.length).toBeLessThanOrEqual(2);
  });

  it('refuses operations over the depth and complexity limits with a clear error', async () => {
    let nested = 'id';
    for (let i = 0; i < 3; i += 1)
      nested = `workflowDefinition { processes(first: 1) { edges { node { ${nested} } } } }`;
    const deep = await query(`{ processes(first: 1) { edges { node { ${nested} } } } }`);
    expect(deep.status).toBe(400);
    expect(deep.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(`exceeds the limit of ${MAX_QUERY_DEPTH}`),
        extensions: { code: 'QUERY_TOO_DEEP' },
      }),
    ]);
    expect(deep.body.data).toBeUndefined();

    const wide = await query(
      `{ processes(first: 100) { edges { node { workflowDefinition {
          processes(first: 100) { edges { node { id status } } } } } } } }`,
    );
    expect(wide.status).toBe(400);
    expect(wide.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(`exceeds the limit of ${MAX_QUERY_COMPLEXITY}`),
        extensions: { code: 'QUERY_TOO_COMPLEX' },
      }),
    ]);
  });

  it('answers bad queries with GraphQL errors, never a 500 or a stack trace', async () => {
    const cases: Array<[string, Record<string, unknown> | undefined, number, string]> = [
      ['{ processes { edges ', undefined, 400, 'GRAPHQL_PARSE_FAILED'],
      ['{ nothingHere }', undefined, 400, 'GRAPHQL_VALIDATION_FAILED'],
      [
        'query($n: Int) { processes(first: $n) { edges { cursor } } }',
        { n: 'x' },
        400,
        'BAD_USER_INPUT',
      ],
      ['{ processes(first: 0) { edges { cursor } } }', undefined, 200, 'BAD_USER_INPUT'],
      ['{ processes(after: "bogus") { edges { cursor } } }', undefined, 200, 'BAD_USER_INPUT'],
      [
        '{ events(processId: "00000000-0000-4000-8000-000000000000") { type } }',
        undefined,
        200,
        'NOT_FOUND',
      ],
      ['{ callbacks(processId: "not-a-process") { tokenId } }', undefined, 200, 'NOT_FOUND'],
    ];
    for (const [text, variables, status, code] of cases) {
      const answer = await query(text, variables);
      expect({ text, status: answer.status }).toEqual({ text, status });
      expect(answer.body.errors?.[0]?.extensions?.code).toBe(code);
      const raw = JSON.stringify(answer.body);
      expect(raw).not.toMatch(/stacktrace|\n\s+at |node_modules|\.ts:\d/);
    }
    // Not GraphQL at all: no query, malformed JSON, a batch (refused: it would dodge the limits).
    const url = `${t.url}/api/graphql`;
    for (const body of ['{}', '{"query": ', JSON.stringify([{ query: '{ counts { total } }' }])]) {
      const answer = await call('POST', url, body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(JSON.stringify(answer.body)).not.toMatch(/stacktrace|\n\s+at |node_modules/);
    }
    const missing = await query('{ process(id: "00000000-0000-4000-8000-000000000000") { id } }');
    expect(missing.body).toEqual({ data: { process: null } });
    expect(t.logs.lines.filter((l) => l.startsWith('error'))).toEqual([]);
  });

  it('only reads: the schema has no mutations', async () => {
    const { body } = await query(
      '{ __schema { mutationType { name } subscriptionType { name } } }',
    );
    expect(body.data.__schema).toEqual({
      mutationType: null,
      subscriptionType: { name: 'Subscription' },
    });
  });

  it('lets tools run the full introspection query within the limits', async () => {
    const { status, body } = await query(getIntrospectionQuery());
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.__schema.types.map((t: any) => t.name)).toEqual(
      expect.arrayContaining(['Process', 'ProcessSummary', 'ProcessConnection', 'CallbackAudit']),
    );
  });
});
