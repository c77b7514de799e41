/**
 * Contract tests of the orchestrator-core compatible GraphQL at /oc/api/graphql, field by field
 * as OC's UI asks for them, on embedded PostgreSQL: a completed, a suspended and a failed
 * create_l2vpn process, listed with OC's offset paging, filters (with `-`/`|` alternatives) and
 * sorting. Baton's own schema at /api/graphql stays as it was.
 */
import { FAILURE, L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import { startPgTestApp } from '../support/pg-app';

type PgTestApp = Awaited<ReturnType<typeof startPgTestApp>>;

const PROCESS_FIELDS = `
  processId workflowName workflowTarget lastStep lastStatus isTask createdBy assignee
  startedAt lastModifiedAt note traceback form
  product { name tag } customer { fullname shortcode }
  subscriptions { page { subscriptionId description } }
  userPermissions { retryAllowed resumeAllowed }
  steps { name status stepId stateDelta started completed }`;

const PAGE_INFO = `pageInfo { hasNextPage hasPreviousPage startCursor endCursor totalItems sortFields filterFields }`;

describe('orchestrator-core compatible GraphQL (/oc/api/graphql)', () => {
  let t: PgTestApp;
  const ids: Record<'completed' | 'suspended' | 'failed', string> = {
    completed: '',
    suspended: '',
    failed: '',
  };
  const gql = (
    query: string,
    variables?: Record<string, unknown>,
    key: string | null = TEST_KEYS.auditor,
  ) => call('POST', `${t.url}/oc/api/graphql`, { query, variables }, {}, { key });
  const processes = async (args: string, fields = 'processId lastStatus') => {
    const answer = await gql(`{ processes(${args}) { page { ${fields} } ${PAGE_INFO} } }`);
    expect(answer.body.errors).toBeUndefined();
    return answer.body.data.processes;
  };

  beforeAll(async () => {
    t = await startPgTestApp();
    const rest = api(t.url);
    const start = async () => {
      const { body } = await rest.start('create_l2vpn', L2VPN_INPUT);
      await rest.awaitingCallback(body.id);
      return body.id as string;
    };
    ids.completed = await start();
    await rest.callback(await t.remote.callbackUrlOf(ids.completed), SUCCESS);
    const shown = await rest.waitFor(ids.completed, (d) => d.status === 'suspended');
    await rest.resume(ids.completed, shown.form.values);
    await rest.waitFor(ids.completed, (d) => d.status === 'completed');
    ids.suspended = await start();
    await rest.callback(await t.remote.callbackUrlOf(ids.suspended), SUCCESS);
    await rest.waitFor(ids.suspended, (d) => d.status === 'suspended');
    ids.failed = await start();
    await rest.callback(await t.remote.callbackUrlOf(ids.failed), FAILURE);
    await rest.waitFor(ids.failed, (d) => d.status === 'failed');
    // The list read model follows the events: wait until it shows all three as they are.
    for (let i = 0; i < 200; i++) {
      const { body } = await gql('{ processes(first: 10) { page { lastStatus } } }');
      const statuses = (body.data?.processes.page ?? []).map(
        (p: { lastStatus: string }) => p.lastStatus,
      );
      if (['COMPLETED', 'SUSPENDED', 'FAILED'].every((s) => statuses.includes(s))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(() => t?.close());

  const byId = (page: Array<{ processId: string }>, id: string) =>
    page.find((p) => p.processId === id) as any;

  // lastStatus is OC's ProcessStatus enum, serialised by name (upper case) as strawberry does;
  // the UI compares it in upper case (its Retry button stayed disabled on a failed process when
  // Baton sent lower case). Filters take the lower-case words, as OC's do.
  it('answers every process field OC’s UI asks for, with OC’s nullability', async () => {
    const { page } = await processes('first: 10', PROCESS_FIELDS);
    expect(page).toHaveLength(3);
    for (const p of page) {
      expect(p).toMatchObject({
        processId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        workflowName: 'create_l2vpn',
        workflowTarget: 'CREATE',
        isTask: false,
        createdBy: null,
        note: null,
        assignee: expect.any(String),
        startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        lastModifiedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        product: { name: 'L2VPN', tag: 'L2VPN' },
        customer: { fullname: 'ACME', shortcode: 'ACME' },
        subscriptions: {
          page: [
            { subscriptionId: expect.any(String), description: expect.stringContaining('L2VPN') },
          ],
        },
        userPermissions: { retryAllowed: false, resumeAllowed: false },
      });
      expect(p.steps.length).toBeGreaterThan(0);
    }
    const completed = byId(page, ids.completed);
    expect(completed).toMatchObject({
      lastStatus: 'COMPLETED',
      lastStep: 'Done',
      form: null,
      traceback: null,
    });
    expect(completed.steps[0]).toMatchObject({
      status: 'success',
      stepId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      stateDelta: expect.objectContaining({ subscription: expect.any(Object) }),
      started: expect.any(String),
      completed: expect.any(String),
    });
    expect(completed.steps[completed.steps.length - 1]).toMatchObject({
      name: 'Done',
      status: 'complete',
    });

    const suspended = byId(page, ids.suspended);
    expect(suspended).toMatchObject({
      lastStatus: 'SUSPENDED',
      lastStep: 'Confirm provisioning proxy results',
      assignee: 'SYSTEM',
      form: { properties: { run_status: { default: 'successful' } } },
    });
    const confirm = suspended.steps.filter(
      (s: { name: string }) => s.name === 'Confirm provisioning proxy results',
    );
    expect(
      confirm.map((s: { status: string; stepId: string | null }) => [s.status, s.stepId === null]),
    ).toEqual([
      ['suspend', false],
      ['pending', true],
    ]);

    const failed = byId(page, ids.failed);
    expect(failed).toMatchObject({
      lastStatus: 'FAILED',
      traceback: expect.stringContaining('return_code'),
    });
    expect(failed.steps.map((s: { status: string }) => s.status)).toContain('failed');
  });

  it('gives operators the permissions an auditor lacks', async () => {
    const answer = await gql(
      `{ processes(first: 10) { page { processId userPermissions { retryAllowed resumeAllowed } } } }`,
      undefined,
      TEST_KEYS.operator,
    );
    expect(byId(answer.body.data.processes.page, ids.suspended).userPermissions).toEqual({
      retryAllowed: true,
      resumeAllowed: true,
    });
  });

  it('pages by offset with OC’s pageInfo', async () => {
    const first = await processes('first: 1, after: 0');
    expect(first.page).toHaveLength(1);
    expect(first.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: 0,
      endCursor: 0,
      totalItems: 3,
      sortFields: ['startedAt', 'lastModifiedAt'],
      filterFields: expect.arrayContaining(['lastStatus', 'workflowName', 'isTask']),
    });
    const last = await processes('first: 2, after: 2');
    expect(last.page).toHaveLength(1);
    expect(last.pageInfo).toMatchObject({
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: 2,
      endCursor: 2,
    });
    const empty = await processes('first: 5, after: 10');
    expect(empty.pageInfo).toMatchObject({ startCursor: null, endCursor: null, totalItems: 3 });
  });

  it('sorts by startedAt and lastModifiedAt in either order', async () => {
    const desc = await processes('sortBy: [{field: "startedAt", order: DESC}]');
    expect(desc.page.map((p: { processId: string }) => p.processId)).toEqual([
      ids.failed,
      ids.suspended,
      ids.completed,
    ]);
    const asc = await processes('sortBy: [{field: "startedAt", order: ASC}]');
    expect(asc.page.map((p: { processId: string }) => p.processId)).toEqual([
      ids.completed,
      ids.suspended,
      ids.failed,
    ]);
    const modified = await processes('sortBy: [{field: "lastModifiedAt", order: DESC}]');
    expect(modified.page).toHaveLength(3);
    const refused = await gql(
      '{ processes(sortBy: [{field: "note", order: ASC}]) { page { processId } } }',
    );
    expect(refused.body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('filters with - and | as OR, and totals what matches', async () => {
    const two = await processes('filterBy: [{field: "lastStatus", value: "completed-suspended"}]');
    expect(two.page.map((p: { lastStatus: string }) => p.lastStatus).sort()).toEqual([
      'COMPLETED',
      'SUSPENDED',
    ]);
    expect(two.pageInfo.totalItems).toBe(2);
    const piped = await processes('filterBy: [{field: "lastStatus", value: "failed|running"}]');
    expect(piped.page.map((p: { processId: string }) => p.processId)).toEqual([ids.failed]);
    expect(piped.pageInfo.totalItems).toBe(1);
    const byWorkflow = await processes(
      'filterBy: [{field: "workflowName", value: "create_l2vpn"}, {field: "workflowTarget", value: "CREATE"}, {field: "isTask", value: "false"}]',
    );
    expect(byWorkflow.pageInfo.totalItems).toBe(3);
    const tasks = await processes('filterBy: [{field: "isTask", value: "true"}]');
    expect(tasks).toMatchObject({ page: [], pageInfo: { totalItems: 0 } });
    const one = await processes(`filterBy: [{field: "processId", value: "${ids.suspended}"}]`);
    expect(one.page.map((p: { processId: string }) => p.processId)).toEqual([ids.suspended]);
    const assigned = await processes('filterBy: [{field: "assignee", value: "SYSTEM"}]');
    expect(assigned.pageInfo.totalItems).toBe(assigned.page.length);
    const unknown = await gql(
      '{ processes(filterBy: [{field: "colour", value: "red"}]) { page { processId } } }',
    );
    expect(unknown.body.errors[0].message).toContain('Cannot filter on colour');
  });

  it('searches with query', async () => {
    const found = await processes('query: "ACME"');
    expect(found.pageInfo.totalItems).toBe(3);
    const none = await processes('query: "nothing-like-this"');
    expect(none).toMatchObject({ page: [], pageInfo: { totalItems: 0 } });
  });

  it('lists workflows the way the start page asks for them', async () => {
    const { body } = await gql(
      `{ workflows(first: 100, filterBy: [{field: "isTask", value: "false"}]) {
          page { workflowId name description target isTask isAllowed steps { name assignee } products { name } }
          ${PAGE_INFO} } }`,
      undefined,
      TEST_KEYS.operator,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.workflows.page).toEqual([
      expect.objectContaining({
        name: 'create_l2vpn',
        description: 'Create L2VPN',
        target: 'CREATE',
        isTask: false,
        isAllowed: true,
        products: [],
      }),
    ]);
    expect(body.data.workflows.page[0].steps).toContainEqual({
      name: 'Confirm provisioning proxy results',
      assignee: 'SYSTEM',
    });
    expect(body.data.workflows.pageInfo.totalItems).toBe(1);
    const auditor = await gql('{ workflows { page { isAllowed } } }');
    expect(auditor.body.data.workflows.page[0].isAllowed).toBe(false);
    const tasks = await gql(
      '{ workflows(filterBy: [{field: "isTask", value: "true"}]) { page { name } } }',
    );
    expect(tasks.body.data.workflows.page).toEqual([]);
  });

  it('reports an orchestrator-core version OC’s UI accepts (5.4.0 or later)', async () => {
    const { body } = await gql('{ version { applicationVersions } }');
    const oc = (body.data.version.applicationVersions as string[]).find((v) =>
      v.startsWith('orchestrator-core: '),
    );
    const [major, minor] = oc!.replace('orchestrator-core: ', '').split('.').map(Number);
    expect(major > 5 || (major === 5 && minor >= 4)).toBe(true);
  });

  it('authenticates like every route, refuses bad queries with 400, and leaves Baton’s schema alone', async () => {
    expect((await gql('{ version { applicationVersions } }', undefined, null)).status).toBe(401);
    const syntax = await gql('{ processes(');
    expect(syntax.status).toBe(400);
    expect((await gql('{ nope }')).status).toBe(400);
    const deep = await gql(
      '{ processes { page { subscriptions { page { product { name } } pageInfo { totalItems } } } } }',
    );
    expect(deep.status).toBe(200);
    expect(
      (await call('POST', `${t.url}/oc/api/graphql`, { query: 1 }, {}, { key: TEST_KEYS.auditor }))
        .status,
    ).toBe(400);
    expect(
      (await gql('{ processes(first: 100000) { page { processId } } }')).body.errors[0].message,
    ).toContain('first must be');
    const baton = await call(
      'POST',
      `${t.url}/api/graphql`,
      {
        query:
          '{ __type(name: "GraphqlFilter") { name } q: __type(name: "ProcessFilter") { name } }',
      },
      {},
      { key: TEST_KEYS.auditor },
    );
    expect(baton.body.data).toEqual({ __type: null, q: { name: 'ProcessFilter' } });
  });
  // Last, since it adds a process: the step statuses of a process waiting for its callback and
  // of an aborted one, through the same fields the detail page asks for.
  it('shows awaiting_callback, pending without ids, and OC’s abort step through GraphQL', async () => {
    const rest = api(t.url);
    const { body } = await rest.start('create_l2vpn', L2VPN_INPUT);
    const id = body.id as string;
    await rest.awaitingCallback(id);
    const one = async () => {
      const answer = await gql(
        `{ processes(filterBy: [{field: "processId", value: "${id}"}]) { page { ${PROCESS_FIELDS} } } }`,
      );
      expect(answer.body.errors).toBeUndefined();
      return answer.body.data.processes.page[0];
    };
    const waiting = await one();
    expect(waiting).toMatchObject({
      lastStatus: 'AWAITING_CALLBACK',
      lastStep: 'Execute an ansible playbook',
      form: null,
    });
    const statuses = waiting.steps.map((s: { status: string; stepId: string | null }) => [
      s.status,
      s.stepId === null,
    ]);
    expect(statuses.slice(0, 3)).toEqual([
      ['success', false],
      ['success', false],
      ['awaiting_callback', false],
    ]);
    expect(
      statuses.slice(3).every(([status, noId]: [string, boolean]) => status === 'pending' && noId),
    ).toBe(true);
    expect(statuses.length).toBeGreaterThan(3);

    expect((await rest.abort(id, 'no longer needed')).status).toBe(204);
    await rest.waitFor(id, (d) => d.status === 'aborted');
    const aborted = await one();
    expect(aborted).toMatchObject({ lastStatus: 'ABORTED', lastStep: 'User Aborted' });
    expect(aborted.steps[aborted.steps.length - 1]).toMatchObject({
      name: 'User Aborted',
      status: 'abort',
      stepId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(aborted.steps.map((s: { status: string }) => s.status)).not.toContain(
      'awaiting_callback',
    );
  });
});
