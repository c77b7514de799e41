/**
 * The read models of issue #6 on PostgreSQL, over real HTTP: the callback audit, the searchable
 * and sortable process list with its ETag, the counts, the step log, and rebuilds (offline and
 * online, while processes run) that yield exactly the rows the live projections wrote.
 */
import { Pool } from 'pg';
import { createHash } from 'node:crypto';
import { QueryBus } from '@nestjs/cqrs';
import { buildProjections } from '../../src/application/projections/read-models';
import { rebuild } from '../../src/application/projections/rebuild';
import { GetCallbacksOfProcessesQuery } from '../../src/application/queries/read-model-queries';
import { PgCallbackAuditStore } from '../../src/infrastructure/postgres/pg-callback-audit';
import { PgProcessSummaryStore } from '../../src/infrastructure/postgres/pg-process-summaries';
import { PgStepLogStore } from '../../src/infrastructure/postgres/pg-step-log';
import { buildWorkflowRegistry } from '../support/l2vpn-registry';
import { FAILURE, L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import { startPgTestApp } from '../support/pg-app';

type PgTestApp = Awaited<ReturnType<typeof startPgTestApp>>;

const TABLES: Record<string, string> = {
  process_summaries: 'process_id',
  process_counts: 'workflow, status',
  callback_audit: 'token_id',
  step_log: 'process_id, seq',
};

/** `target` with one method replaced; every other property as it was (methods bound to it). */
const withMethod = <T extends object, K extends keyof T>(target: T, name: K, method: T[K]): T =>
  new Proxy(target, {
    get(inner, property) {
      if (property === name) return method;
      const value: unknown = Reflect.get(inner, property);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(inner)
        : value;
    },
  });

describe('read models on PostgreSQL', () => {
  let t: PgTestApp;
  let client: ReturnType<typeof api>;
  const ids: Record<string, string> = {};
  const tokens: string[] = [];

  const get = (path: string, headers: Record<string, string> = {}) =>
    call('GET', `${t.url}${path}`, undefined, headers);

  /** Every projection's checkpoint at the store's head. */
  const caughtUp = async () => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const head = (await get('/health')).body.headPosition as number;
      const projections = (await get('/api/admin/projections')).body as Array<{
        position: number;
      }>;
      if (projections.every((p) => p.position === head)) return;
      if (Date.now() > deadline) throw new Error('projections did not catch up');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const snapshot = async () => {
    const tables: Record<string, unknown[]> = {};
    for (const [table, key] of Object.entries(TABLES))
      tables[table] = (await t.pg.db.pool.query(`SELECT * FROM ${table} ORDER BY ${key}`)).rows;
    return tables;
  };

  /** The read models' indexes and constraints, names included, and their checkpoints. */
  const schema = async () => {
    const pool = t.pg.db.pool;
    const names = Object.keys(TABLES);
    const indexes = await pool.query(
      `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY($1)
       ORDER BY tablename, indexname`,
      [names],
    );
    const constraints = await pool.query(
      `SELECT conrelid::regclass::text AS table, conname, pg_get_constraintdef(oid) AS def
       FROM pg_constraint WHERE conrelid::regclass::text = ANY($1) ORDER BY 1, 2`,
      [names],
    );
    const checkpoints = await pool.query(
      "SELECT name, position FROM checkpoints WHERE name LIKE 'projection:%' ORDER BY name",
    );
    return { indexes: indexes.rows, constraints: constraints.rows, checkpoints: checkpoints.rows };
  };

  const shadowTables = async () =>
    (
      await t.pg.db.pool.query(
        "SELECT tablename FROM pg_tables WHERE tablename LIKE '%\\_\\_shadow' ORDER BY 1",
      )
    ).rows.map((r: { tablename: string }) => r.tablename);

  const pgProjections = (pool: Pool = t.pg.db.pool) =>
    buildProjections({
      summaries: new PgProcessSummaryStore(pool),
      callbackAudit: new PgCallbackAuditStore(pool),
      stepLog: new PgStepLogStore(pool),
      registry: buildWorkflowRegistry(),
    });

  /**
   * The live read models and their schema once caught up, and a check that a rebuild which
   * failed or followed a killed one left both as they were, with no shadow behind.
   */
  const liveReadModels = async () => {
    await caughtUp();
    const live = await snapshot();
    const before = await schema();
    return {
      live,
      expectUnchanged: async () => {
        expect(await snapshot()).toEqual(live);
        expect(await schema()).toEqual(before);
        expect(await shadowTables()).toEqual([]);
      },
    };
  };

  const startOne = async (input: Record<string, unknown> = L2VPN_INPUT) => {
    const { body } = await client.start('create_l2vpn', input);
    await client.awaitingCallback(body.id);
    const url = await t.remote.callbackUrl();
    tokens.push(url.slice(url.lastIndexOf('/') + 1));
    return { id: body.id as string, url };
  };

  beforeAll(async () => {
    t = await startPgTestApp();
    client = api(t.url);

    // completed, with two progress reports, a refused payload and a refused second payload
    const done = await startOne({ ...L2VPN_INPUT, customer: 'Globex' });
    ids.completed = done.id;
    await call('POST', `${done.url}/progress`, { task: 'configure', pct: 50 });
    await call('POST', `${done.url}/progress`, 'TASK [done]', { 'content-type': 'text/plain' });
    expect((await client.callback(done.url, { output: 'no return code' })).status).toBe(400);
    expect((await client.callback(done.url, SUCCESS)).status).toBe(200);
    expect((await client.callback(done.url, { ...SUCCESS, output: 'other' })).status).toBe(409);
    await client.waitFor(done.id, (d) => d.status === 'suspended');
    await client.resume(done.id);
    await client.waitFor(done.id, (d) => d.status === 'completed');

    // failed, then retried: the first token is revoked, the second one waits
    const retried = await startOne({ ...L2VPN_INPUT, vlan: 200 });
    ids.retried = retried.id;
    await client.callback(retried.url, FAILURE);
    await client.waitFor(retried.id, (d) => d.status === 'failed');
    await client.retry(retried.id);
    await client.waitFor(retried.id, (d) => d.status === 'awaiting_callback' && d.revision > 6);
    await t.remote.callbackUrl(3).then((url) => tokens.push(url.slice(url.lastIndexOf('/') + 1)));

    // suspended, waiting for SYSTEM
    const suspended = await startOne({ ...L2VPN_INPUT, customer: 'Initech', site_a: 'par-r3' });
    ids.suspended = suspended.id;
    await client.callback(suspended.url, SUCCESS);
    await client.waitFor(suspended.id, (d) => d.status === 'suspended');

    // aborted while awaiting its callback
    const aborted = await startOne({ ...L2VPN_INPUT, customer: 'Umbrella' });
    ids.aborted = aborted.id;
    await client.abort(aborted.id, 'customer cancelled');
    await caughtUp();
  }, 120_000);
  afterAll(() => t?.close());

  describe('callback audit', () => {
    it('lists every token with what happened to it, never the token or its hash', async () => {
      const { status, body } = await get(`/api/processes/${ids.completed}/callbacks`);
      expect(status).toBe(200);
      expect(body).toHaveLength(1);
      const [entry] = body;
      expect(entry).toMatchObject({
        processId: ids.completed,
        stepName: 'Execute an ansible playbook',
        status: 'received',
        payload: SUCCESS,
        expiredAt: null,
        revokedAt: null,
      });
      expect(entry.actionCompletedAt === null || typeof entry.actionCompletedAt === 'string').toBe(
        true,
      );
      expect(entry.progress.map((p: { progress: unknown }) => p.progress)).toEqual([
        { task: 'configure', pct: 50 },
        'TASK [done]',
      ]);
      expect(entry.rejections.map((r: { reason: string }) => r.reason)).toEqual([
        'invalid_payload',
        'already_used',
      ]);
      // The plaintext appears in no read model; the audit does not even keep the hash (the
      // list's stored fold does, like the events: DESIGN §5).
      const tables = await snapshot();
      const audit = JSON.stringify(tables.callback_audit) + JSON.stringify(body);
      for (const token of tokens) {
        expect(JSON.stringify(tables)).not.toContain(token);
        expect(audit).not.toContain(createHash('sha256').update(token).digest('hex'));
        expect(audit).not.toContain(createHash('sha256').update(token).digest('base64url'));
      }
    });

    it('shows a revoked token beside its successor after a retry, and an abort', async () => {
      const retried = (await get(`/api/processes/${ids.retried}/callbacks`)).body;
      expect(retried.map((e: { status: string }) => e.status)).toEqual([
        'revoked',
        'action_completed',
      ]);
      expect(retried[0]).toMatchObject({ revokedReason: 'step retried', payload: FAILURE });
      const aborted = (await get(`/api/processes/${ids.aborted}/callbacks`)).body;
      expect(aborted).toMatchObject([{ status: 'revoked', revokedReason: 'process aborted' }]);
    });

    it('answers 404 for an unknown process and for an id that cannot be one', async () => {
      expect(
        (await get('/api/processes/6f1c2a52-8d4e-4c1b-9a57-1b2c3d4e5f60/callbacks')).status,
      ).toBe(404);
      expect((await get('/api/processes/not-a-uuid/callbacks')).status).toBe(404);
    });

    it('answers a batch of processes with one SQL statement', async () => {
      const queries = t.app.get(QueryBus);
      const spy = jest.spyOn(t.pg.db.pool, 'query');
      try {
        const unknown = '6f1c2a52-8d4e-4c1b-9a57-1b2c3d4e5f60';
        const found = await queries.execute(
          new GetCallbacksOfProcessesQuery([ids.completed, ids.retried, unknown, 'junk']),
        );
        expect(found.get(ids.completed)).toHaveLength(1);
        expect(found.get(ids.retried)).toHaveLength(2);
        expect(found.get(unknown)).toEqual([]);
        expect(found.get('junk')).toEqual([]);
        const reads = spy.mock.calls.filter(([q]) =>
          /^\s*SELECT[\s\S]*FROM callback_audit/.test(typeof q === 'string' ? q : ''),
        );
        expect(reads).toHaveLength(1);
      } finally {
        spy.mockRestore();
      }
    });
  });

  describe('process list', () => {
    const list = async (query: string) => {
      const answer = await get(`/api/processes?${query}`);
      expect(answer.status).toBe(200);
      return answer.body as { items: any[]; nextCursor: string | null };
    };

    it('shows assignee, current step, description and the last callback activity', async () => {
      const { items } = await list('assignee=SYSTEM');
      expect(items.map((i) => i.processId)).toEqual([ids.suspended]);
      expect(items[0]).toMatchObject({
        status: 'suspended',
        currentStep: 'Confirm provisioning proxy results',
        description: 'L2VPN for Initech: par-r3 xe-0/0/1 - lon-r2 xe-0/0/2, VLAN 100',
        lastCallbackKind: 'received',
      });
      expect(Date.parse(items[0].lastCallbackAt)).not.toBeNaN();
      const aborted = (await list('status=aborted')).items[0];
      expect(aborted).toMatchObject({ processId: ids.aborted, lastCallbackKind: 'revoked' });
    });

    it('searches the workflow name and the description by word prefixes', async () => {
      const ofSearch = async (q: string) =>
        (await list(`q=${encodeURIComponent(q)}`)).items.map((i) => i.processId).sort();
      expect(await ofSearch('initech')).toEqual([ids.suspended]);
      expect(await ofSearch('GLOB')).toEqual([ids.completed]);
      expect(await ofSearch('par-r3 vlan 100')).toEqual([ids.suspended]);
      expect(await ofSearch('vlan 200')).toEqual([ids.retried]);
      expect(await ofSearch('l2vpn')).toHaveLength(4);
      expect(await ofSearch('create_l2vpn')).toHaveLength(4);
      expect(await ofSearch('nobody')).toEqual([]);
    });

    it.each(['-startedAt', 'startedAt', '-updatedAt', 'updatedAt'])(
      'pages through sort %s one row at a time in the right order',
      async (sort) => {
        const all = (await list(`sort=${sort}&limit=200`)).items;
        expect(all).toHaveLength(4);
        const key = sort.endsWith('updatedAt') ? 'updatedAt' : 'startedAt';
        const expected = [...all].sort(
          (a, b) => a[key].localeCompare(b[key]) || a.processId.localeCompare(b.processId),
        );
        if (sort.startsWith('-')) expected.reverse();
        expect(all.map((i) => i.processId)).toEqual(expected.map((i) => i.processId));
        const paged: string[] = [];
        let cursor: string | null = null;
        do {
          const page: { items: any[]; nextCursor: string | null } = await list(
            `sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          );
          paged.push(...page.items.map((i) => i.processId));
          cursor = page.nextCursor;
        } while (cursor);
        expect(paged).toEqual(all.map((i) => i.processId));
      },
    );

    it('has a strong ETag answered with 304 until the list changes', async () => {
      // Authenticated like every call (the admin test key): the ETag is the answer's, not a 401's.
      const first = await get('/api/processes?status=suspended');
      expect(first.status).toBe(200);
      const etag = first.headers!.get('etag');
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      const again = await get('/api/processes?status=suspended', { 'if-none-match': etag! });
      expect(again.status).toBe(304);
      const other = await get('/api/processes?status=suspended', { 'if-none-match': '"stale"' });
      expect(other.status).toBe(200);
    });

    it.each([
      ['an unknown sort', 'sort=name'],
      ['a cursor of another sort', 'CURSOR'],
      ['a bad limit', 'limit=0'],
      ['an unknown parameter', 'colour=red'],
      ['an unknown status', 'status=sleeping'],
    ])('answers 400 for %s', async (_what, query) => {
      let q = query;
      if (query === 'CURSOR') {
        const cursor = (await list('sort=startedAt&limit=1')).nextCursor;
        q = `sort=-updatedAt&cursor=${cursor}`;
      }
      const answer = await get(`/api/processes?${q}`);
      expect(answer.status).toBe(400);
      expect(answer.body.message).toBeDefined();
    });
  });

  it('counts processes by status and by workflow', async () => {
    const { status, body } = await get('/api/processes/counts');
    expect(status).toBe(200);
    expect(body).toEqual({
      total: 4,
      byStatus: { completed: 1, awaiting_callback: 1, suspended: 1, aborted: 1 },
      byWorkflow: [
        {
          workflow: 'create_l2vpn',
          total: 4,
          byStatus: { completed: 1, awaiting_callback: 1, suspended: 1, aborted: 1 },
        },
      ],
    });
  });

  it('logs every step execution with its delta, duration and error', async () => {
    const completed = (await get(`/api/processes/${ids.completed}/steps`)).body;
    expect(completed.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ['Construct L2VPN model', 'completed'],
      ['Store process subscription', 'completed'],
      ['Execute an ansible playbook', 'completed'], // its validation included
      ['Confirm provisioning proxy results', 'completed'],
      ['Set subscription status to active', 'completed'],
    ]);
    const callbackStep = completed[2];
    expect(callbackStep.delta).toHaveProperty('callback_result');
    expect(callbackStep.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(callbackStep.finishedAt)).toBeGreaterThanOrEqual(
      Date.parse(callbackStep.startedAt),
    );
    const retried = (await get(`/api/processes/${ids.retried}/steps`)).body;
    const failed = retried.find((s: { status: string }) => s.status === 'failed');
    expect(failed).toMatchObject({ error: { message: 'Callback failure' } });
    expect(retried[retried.length - 1]).toMatchObject({
      status: 'awaiting_callback',
      finishedAt: null,
    });
    expect((await get('/api/processes/6f1c2a52-8d4e-4c1b-9a57-1b2c3d4e5f60/steps')).status).toBe(
      404,
    );
  });

  describe('rebuilds', () => {
    it('rebuilt offline, every read model holds exactly the rows the live projections wrote', async () => {
      await caughtUp();
      const live = await snapshot();
      const migrated = await schema(); // as the migrations made them: no rebuild before this one
      let promoting = 0;
      const result = await rebuild(
        t.adapters.eventStore,
        pgProjections(),
        { batchSize: 5, onPromoting: () => (promoting += 1) }, // many pages, processes split across them
      );
      expect(result.events).toBeGreaterThan(40);
      // Told once, before the swap, whose share of the time it reports.
      expect(promoting).toBe(1);
      expect(result.promoteSeconds).toBeGreaterThan(0);
      expect(result.promoteSeconds).toBeLessThanOrEqual(result.seconds);
      expect(await snapshot()).toEqual(live);
      expect(await schema()).toEqual(migrated);
    });

    it('rebuilt offline, the read models keep their indexes and constraints, names included', async () => {
      // The offline rebuild fills shadows without secondary indexes and builds them at the swap.
      await caughtUp();
      const before = await schema();
      await rebuild(t.adapters.eventStore, pgProjections(), { batchSize: 7 });
      expect(await schema()).toEqual(before);
      expect(await shadowTables()).toEqual([]);
      // the rebuilt GIN index answers the list's text search
      expect((await get('/api/processes?q=globex')).body.items).toEqual([
        expect.objectContaining({ processId: ids.completed }),
      ]);
    });

    it('an offline rebuild that fails half way leaves the live read models as they were', async () => {
      const { expectUnchanged } = await liveReadModels();
      const store = t.adapters.eventStore;
      let reads = 0;
      // The store goes away after a few pages, as when the rebuild is interrupted.
      const failing = withMethod(store, 'readAll', (options) =>
        ++reads > 3 ? Promise.reject(new Error('connection lost')) : store.readAll(options),
      );
      await expect(rebuild(failing, pgProjections(), { batchSize: 5 })).rejects.toThrow(
        'connection lost',
      );
      expect(reads).toBe(4);
      await expectUnchanged();
    });

    it('an offline rebuild whose write fails half way leaves the live read models as they were', async () => {
      // Each read model writes its pages on its own: the step log's third page fails while the
      // others go on; the rebuild stops, drops every shadow and swaps nothing in.
      const { expectUnchanged } = await liveReadModels();
      const pool = t.pg.db.pool;
      let stepLogWrites = 0;
      const query = pool.query.bind(pool) as (...a: unknown[]) => Promise<unknown>;
      const failing = withMethod(pool, 'query', ((config: unknown, ...rest: unknown[]) => {
        const text = typeof config === 'string' ? config : (config as { text?: string }).text;
        if (text?.includes('INSERT INTO step_log__shadow') && ++stepLogWrites > 2)
          return Promise.reject(new Error('disk full'));
        return query(config, ...rest);
      }) as typeof pool.query);
      await expect(
        rebuild(t.adapters.eventStore, pgProjections(failing), { batchSize: 5 }),
      ).rejects.toThrow();
      expect(stepLogWrites).toBe(3);
      await expectUnchanged();
    });

    it('an offline rebuild after one that was killed (its shadows left behind) completes', async () => {
      const { live, expectUnchanged } = await liveReadModels();
      // What a killed rebuild leaves: shadows without indexes, with some rows, no swap.
      const [summaries] = pgProjections();
      const left = await summaries.shadow({ deferIndexes: true });
      await left.apply(
        (await t.adapters.eventStore.readAll({ after: 0, limit: 5 })).slice(0, 5),
        null,
      );
      expect(await shadowTables()).toEqual(['process_counts__shadow', 'process_summaries__shadow']);
      expect(await snapshot()).toEqual(live);
      await rebuild(t.adapters.eventStore, pgProjections());
      await expectUnchanged();
    });

    it.each(['process-summaries', 'callback-audit', 'step-log'])(
      'rebuilds %s online while processes keep running, and swaps in the same rows',
      async (name) => {
        const started = await call('POST', `${t.url}/api/admin/projections/${name}/rebuild`);
        expect(started.status).toBe(202);
        expect(started.body).toMatchObject({ projection: name, state: 'running' });
        // the service keeps writing while the shadow is built
        const extra = await startOne({ ...L2VPN_INPUT, customer: `During ${name}` });
        await client.callback(extra.url, SUCCESS);
        await client.waitFor(extra.id, (d) => d.status === 'suspended');
        const deadline = Date.now() + 30_000;
        let status: any;
        do {
          status = (await get(`/api/admin/projections/${name}`)).body;
          if (status.rebuild.state !== 'running') break;
          await new Promise((r) => setTimeout(r, 50));
        } while (Date.now() < deadline);
        expect(status.rebuild).toMatchObject({ state: 'completed', error: null });
        await caughtUp();
        const online = await snapshot();
        await rebuild(t.adapters.eventStore, pgProjections());
        expect(await snapshot()).toEqual(online);
        expect(await shadowTables()).toEqual([]);
      },
      60_000,
    );

    it('answers 404 for an unknown projection and 409 for a second rebuild at once', async () => {
      expect((await call('POST', `${t.url}/api/admin/projections/nope/rebuild`)).status).toBe(404);
      const rebuildStepLog = () => call('POST', `${t.url}/api/admin/projections/step-log/rebuild`);
      const answers = await Promise.all([rebuildStepLog(), rebuildStepLog()]);
      expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
      const deadline = Date.now() + 30_000;
      while ((await get('/api/admin/projections/step-log')).body.rebuild.state === 'running') {
        if (Date.now() > deadline) throw new Error('rebuild did not finish');
        await new Promise((r) => setTimeout(r, 50));
      }
    });
  });

  it('lets auditors read the read models and only admins operate the projections', async () => {
    const as = (key: string | null, method: string, path: string) =>
      call(method, `${t.url}${path}`, undefined, {}, { key });
    for (const path of [
      '/api/processes/counts',
      `/api/processes/${ids.completed}/callbacks`,
      `/api/processes/${ids.completed}/steps`,
    ]) {
      expect((await as(TEST_KEYS.auditor, 'GET', path)).status).toBe(200);
      expect((await as(null, 'GET', path)).status).toBe(401);
    }
    expect((await as(TEST_KEYS.operator, 'GET', '/api/admin/projections')).status).toBe(403);
    expect((await as(TEST_KEYS.auditor, 'GET', '/api/admin/projections/step-log')).status).toBe(
      403,
    );
    // A refused rebuild starts nothing: the projection's rebuild status is as it was.
    const before = (await get('/api/admin/projections/step-log')).body.rebuild;
    const refused = await as(TEST_KEYS.operator, 'POST', '/api/admin/projections/step-log/rebuild');
    expect(refused.status).toBe(403);
    expect((await get('/api/admin/projections/step-log')).body.rebuild).toEqual(before);
  });
});
