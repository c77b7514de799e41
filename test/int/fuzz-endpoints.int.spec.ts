/**
 * Property-based fuzzing (fast-check) of every endpoint the app has, found through Nest's
 * metadata: hostile path parameters, query strings, headers (credentials included) and bodies.
 * For every case: never a 500; a refused request (4xx) appends nothing (appends are attributed
 * to the request through its correlation id); no API key or callback token in any answer or log
 * line. Half the cases spell the path another way (case, percent-encodings, slashes, dot
 * segments): every request must be answered within the server's request deadline (a hang is
 * counted, and fails the case). Logs go through the production logger (pino, every request), so
 * the secret scan covers the redaction of every spelling. FUZZ_RUNS cases per endpoint (1,000 by
 * default, as in CI); the figures are printed.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';
import { FAILURE, L2VPN_INPUT, api, call } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import {
  body,
  headerText,
  pathParam,
  pathSpelling,
  queryString,
  spell,
} from '../support/hostile-input';
import { observedStore } from '../support/observed-store';
import { Route, listRoutes } from '../support/routes';
import { TestApp, startTestApp } from '../support/test-app';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
jest.setTimeout(30 * 60_000);

/** The server's request deadline here; a request not answered within it (+ slack) is a hang. */
const DEADLINE_MS = 5000;
const HANG_AFTER_MS = DEADLINE_MS + 2000;

/** What the production logger writes, kept for the secret scan. */
const logLines: string[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(chunk.toString('utf8'));
    done();
  },
});

const WRONG_KEY = 'baton_wrongwrongwrongwrongwrongwrongwrongwron';
const FORGED_JWT = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
  '{"sub":"mallory","roles":["admin"]}',
).toString('base64url')}.`;

const credentials = fc.constantFrom<Record<string, string>>(
  { authorization: `Bearer ${TEST_KEYS.admin}` },
  { authorization: `Bearer ${TEST_KEYS.operator}` },
  { 'x-api-key': TEST_KEYS.auditor },
  { 'x-api-key': TEST_KEYS.noc },
  {},
  { authorization: `Bearer ${WRONG_KEY}` },
  { authorization: `Bearer ${FORGED_JWT}` },
  { authorization: `Basic ${Buffer.from(`admin:${TEST_KEYS.admin}`).toString('base64')}` },
  { authorization: 'Bearer' },
  { 'x-api-key': `${TEST_KEYS.admin} ${TEST_KEYS.admin}` },
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
];

/** orchestrator-core's form routes, which answer 510 with the next form page (never written). */
const FORM_PAGE_ROUTES = new Set([
  'POST /oc/api/processes/:workflow',
  'PUT /oc/api/processes/:id/resume',
]);

interface Figures {
  cases: number;
  statuses: Record<number, number>;
  serverErrors: number;
  writesOnRefusal: number;
  leaks: number;
  hangs: number;
  respelled: number;
}

describe('fuzzing every endpoint', () => {
  let t: TestApp;
  const appendsBy = new Map<string, number>();
  const figures = new Map<string, Figures>();
  let seeded: { ids: string[]; tokens: string[] } = { ids: [], tokens: [] };

  beforeAll(async () => {
    const store = observedStore(new InMemoryEventStore(), {
      onAppend: (_stream, events) => {
        for (const e of events) {
          const id = e.metadata.correlationId;
          appendsBy.set(id, (appendsBy.get(id) ?? 0) + 1);
        }
      },
    });
    t = await startTestApp({
      adapters: { eventStore: store },
      // Generous, so that guesses reach the deeper paths instead of stopping at 429.
      runtime: { callbackRefusalLimits: { perProcess: 1e9, perAddress: 1e9, windowMs: 60_000 } },
      http: { requestDeadlineMs: DEADLINE_MS },
      jsonLogs: logSink,
    });
  });

  afterAll(async () => {
    await t?.close();
    const rows = [...figures.entries()].map(([route, f]) => ({
      route,
      cases: f.cases,
      '500s': f.serverErrors,
      'writes on refusal': f.writesOnRefusal,
      leaks: f.leaks,
      hangs: f.hangs,
      respelled: f.respelled,
      statuses: Object.entries(f.statuses)
        .map(([s, n]) => `${s}×${n}`)
        .join(' '),
    }));
    const total = rows.reduce((n, r) => n + r.cases, 0);
    console.log(
      `fuzz: ${rows.length} endpoints, ${total} cases, 500s: ${rows.reduce((n, r) => n + r['500s'], 0)}, writes on refusal: ${rows.reduce((n, r) => n + r['writes on refusal'], 0)}, leaks: ${rows.reduce((n, r) => n + r.leaks, 0)}, hangs: ${rows.reduce((n, r) => n + r.hangs, 0)} (deadline ${DEADLINE_MS} ms), path respelled in ${rows.reduce((n, r) => n + r.respelled, 0)} cases\n` +
        rows
          .map((r) => `  ${r.route}: ${r.cases} cases (${r.respelled} respelled); ${r.statuses}`)
          .join('\n'),
    );
  });

  /** Processes in the states worth attacking: awaiting a callback, suspended, failed. */
  const seed = async () => {
    const client = api(t.url);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { body: started } = await client.start('create_l2vpn', L2VPN_INPUT);
      await client.awaitingCallback(started.id);
      ids.push(started.id);
    }
    const tokens = t.remote.requests.map((r) => String(r.body.callback).split('/callback/')[1]);
    const [, suspended, failed] = ids;
    const urlOf = (id: string) =>
      String(t.remote.requests.find((r) => String(r.body.callback).includes(id))!.body.callback);
    await client.callback(urlOf(suspended), {
      job_id: 'j',
      output: 'ok',
      return_code: 0,
      status: 'successful',
    });
    await client.callback(urlOf(failed), FAILURE);
    await client.waitFor(suspended, (d) => d.status === 'suspended');
    await client.waitFor(failed, (d) => d.status === 'failed');
    return { ids, tokens };
  };

  const secrets = () => [...Object.values(TEST_KEYS), WRONG_KEY, FORGED_JWT, ...seeded.tokens];

  /** Lets the runner finish what an accepted write set off, so the next case starts quiet. */
  const quiesce = async () => {
    let last = -1;
    let stable = 0;
    const deadline = Date.now() + 5000;
    while (stable < 3 && Date.now() < deadline) {
      const head = await t.adapters.eventStore.headPosition();
      stable = head === last ? stable + 1 : 0;
      last = head;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const fuzz = async (route: Route) => {
    seeded = await seed();
    const key = `${route.method} ${route.path}`;
    const f: Figures = {
      cases: 0,
      statuses: {},
      serverErrors: 0,
      writesOnRefusal: 0,
      leaks: 0,
      hangs: 0,
      respelled: 0,
    };
    figures.set(key, f);
    const params = (route.path.match(/:[A-Za-z]+/g) ?? []).map((p) => p.slice(1));
    const caseArbitrary = fc.record({
      params: fc.tuple(...params.map(() => pathParam(seeded.ids))),
      query: queryString(),
      credential: credentials,
      contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }),
      extra: fc.dictionary(
        fc.constantFrom(
          'x-baton-user',
          'if-none-match',
          'x-baton-signature',
          'x-forwarded-for',
          'origin',
        ),
        headerText(),
        { maxKeys: 3 },
      ),
      body: route.method === 'GET' ? fc.constant(undefined) : body(),
      spelling: pathSpelling(),
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(caseArbitrary, async (c) => {
        const correlationId = `fuzz-${key}-${++n}`;
        let path = route.path;
        params.forEach((name, i) => {
          path = path.replace(`:${name}`, c.params[i]);
        });
        path = spell(path, c.spelling);
        if (c.spelling.kind !== 'as-is') f.respelled++;
        const headers: Record<string, string> = {
          ...c.extra,
          ...c.credential,
          'x-correlation-id': correlationId,
          ...(c.contentType ? { 'content-type': c.contentType } : {}),
        };
        const logLinesBefore = logLines.length;
        const answer = await call(route.method, `${t.url}${path}${c.query}`, c.body, headers, {
          key: null,
          timeoutMs: HANG_AFTER_MS,
        }).catch((error: Error) => {
          if (error.name !== 'TimeoutError') throw error;
          return null;
        });
        f.cases++;
        if (answer === null) {
          f.hangs++;
          throw new Error(
            `${route.method} ${path}${c.query}: no answer within ${HANG_AFTER_MS} ms`,
          );
        }
        f.statuses[answer.status] = (f.statuses[answer.status] ?? 0) + 1;
        const wrote = appendsBy.get(correlationId) ?? 0;
        const text = `${JSON.stringify(answer.body)} ${JSON.stringify([...answer.headers!.entries()])}`;
        const newLogs = logLines.slice(logLinesBefore).join('\n');
        const leaked = secrets().filter((s) => text.includes(s) || newLogs.includes(s));
        // 510 is pydantic-forms' "here is the next page" on OC's form routes, not a failure.
        const serverError =
          answer.status >= 500 && !(FORM_PAGE_ROUTES.has(key) && answer.status === 510);
        if (serverError) f.serverErrors++;
        if (answer.status >= 400 && wrote > 0) f.writesOnRefusal++;
        if (leaked.length > 0) f.leaks++;
        if (answer.status < 400 && route.method !== 'GET') await quiesce();
        expect(serverError ? answer.status : 0).toBe(0);
        expect(answer.status >= 400 ? wrote : 0).toBe(0); // events appended by a refused request
        expect(leaked).toEqual([]);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  };

  // One test per route, so a failure names the route. Jest needs the names before the app
  // starts; the last test checks that the list is every route the app has.
  const routeNames = [
    'GET /api/workflows',
    'POST /api/processes/:workflow',
    'GET /api/processes',
    'GET /api/processes/:id',
    'PUT /api/processes/:id/resume',
    'PUT /api/processes/:id/retry',
    'PUT /api/processes/:id/abort',
    'GET /api/processes/:id/events',
    'GET /api/processes/:id/state',
    'GET /api/processes/counts',
    'GET /api/processes/:id/callbacks',
    'GET /api/processes/:id/steps',
    'GET /api/admin/projections',
    'GET /api/admin/projections/:name',
    'POST /api/admin/projections/:name/rebuild',
    'POST /api/processes/:id/callback/:token',
    'POST /api/processes/:id/callback/:token/progress',
    'GET /api/processes/:id/verify',
    'GET /api/processes/:id/audit',
    'GET /api/events',
    'GET /api/events/schema',
    'GET /health',
    'GET /health/live',
    'GET /health/ready',
    'GET /metrics',
    'GET /api/me',
    'GET /api/ledger/keys',
    'GET /api/ledger/digest',
    'GET /api/ledger/proof',
    'GET /api/ledger/consistency',
    'GET /api/ledger/bundle',
    'POST /api/webhooks',
    'GET /api/webhooks',
    'GET /api/webhooks/:id',
    'PUT /api/webhooks/:id/pause',
    'PUT /api/webhooks/:id/resume',
    'POST /api/webhooks/:id/replay',
    'DELETE /api/webhooks/:id',
    'GET /api/ui/config',
    'GET /oc/api/settings/status',
    'GET /oc/api/translations/:locale',
    'GET /oc/api/processes/status-counts',
    'GET /oc/api/processes/:id',
    'POST /oc/api/processes/:workflow',
    'PUT /oc/api/processes/:id/resume',
    'PUT /oc/api/processes/:id/abort',
    'POST /oc/api/graphql',
  ];
  it.each(routeNames)(
    `%s: ${RUNS} hostile cases, no 500, no write on refusal, no secret out`,
    async (name) => {
      const route = listRoutes(t.app).find((r) => `${r.method} ${r.path}` === name);
      expect(route).toBeDefined();
      await fuzz(route!);
      const f = figures.get(name)!;
      expect(f).toMatchObject({
        cases: RUNS,
        serverErrors: 0,
        writesOnRefusal: 0,
        leaks: 0,
        hangs: 0,
      });
    },
  );

  it('fuzzed every route the app has (a new route must be added to the list above)', () => {
    const all = listRoutes(t.app).map((r) => `${r.method} ${r.path}`);
    expect(all.filter((r) => !routeNames.includes(r))).toEqual([]);
  });
});
