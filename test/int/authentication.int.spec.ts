/**
 * Authentication and roles over real HTTP (in-memory store): API keys (Bearer or X-API-Key),
 * OIDC tokens checked against a static key and against a JWKS served by a local HTTP server,
 * role checks per route, the admin-only default, and per-step confirmation rights.
 */
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { exportJWK, exportSPKI, generateKeyPair, JWTPayload, SignJWT } from 'jose';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AppModule } from '../../src/app.module';
import { step, inputStep, workflow } from '../../src/domain/workflow/dsl';
import { OidcSettings, DEFAULT_OIDC_ALGORITHMS } from '../../src/domain/access/oidc-settings';
import { parseRoleMap } from '../../src/domain/access/role-map';
import { BATON_HANDLER_METADATA } from '../../src/interfaces/auth/access';
import { configureHttp } from '../../src/interfaces/rest/http-setup';
import { buildWorkflowRegistry } from '../support/l2vpn-registry';
import { ConfirmRunPage } from '../../examples/l2vpn/src/create-l2vpn.forms';
import { L2VPN_INPUT, api, call } from '../support/api';
import { TEST_API_KEYS, TEST_KEYS } from '../support/auth';
import { TestApp, startTestApp } from '../support/test-app';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

const ISSUER = 'https://idp.test/realms/ops';
const AUDIENCE = 'baton';

const oidcSettings = (overrides: Partial<OidcSettings>): OidcSettings => ({
  issuer: ISSUER,
  audience: AUDIENCE,
  jwksUrl: null,
  publicKeyPem: null,
  clockSkewSeconds: 60,
  rolesClaim: 'roles',
  userClaim: 'preferred_username',
  algorithms: DEFAULT_OIDC_ALGORITHMS,
  ...overrides,
});

const token = (keys: KeyPair, claims: JWTPayload, options: { exp?: number; kid?: string } = {}) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: 'RS256', ...(options.kid ? { kid: options.kid } : {}) })
    .sign(keys.privateKey);
};

/** A workflow whose confirmation only the `noc` team (or an admin) may give. */
const nocConfirm = workflow({
  name: 'noc_confirm',
  description: 'Confirmation restricted to the NOC',
  target: 'SYSTEM',
  steps: [
    step('prepare', () => ({ run_status: 'ok', run_results: 'nothing to see' })),
    inputStep('NOC confirms', { assignee: 'NOC', roles: ['noc'] }, (state) => ({
      title: 'Confirm',
      form: ConfirmRunPage,
      values: { run_status: String(state.run_status), run_results: String(state.run_results) },
    })),
  ],
});

describe('authentication with API keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      adapters: { registry: buildWorkflowRegistry().register(nocConfirm) },
    });
  });
  afterAll(() => t.close());

  const routes = (id: string) =>
    [
      ['GET', '/api/workflows', 'auditor'],
      ['GET', '/api/processes', 'auditor'],
      ['GET', `/api/processes/${id}`, 'auditor'],
      ['GET', `/api/processes/${id}/events`, 'auditor'],
      ['GET', `/api/processes/${id}/state?revision=0`, 'auditor'],
      ['POST', '/api/processes/create_l2vpn', 'operator'],
      ['PUT', `/api/processes/${id}/resume`, 'operator'],
      ['PUT', `/api/processes/${id}/retry`, 'operator'],
      ['PUT', `/api/processes/${id}/abort`, 'operator'],
    ] as const;

  it('answers 401 with WWW-Authenticate without a credential, or with one that does not verify', async () => {
    const before = await t.adapters.eventStore.headPosition();
    for (const [method, path] of routes('00000000-0000-4000-8000-000000000000')) {
      const attempts: Array<Record<string, string>> = [
        {},
        { authorization: 'Bearer not-a-key' },
        { 'x-api-key': `${TEST_KEYS.admin}x` },
        { authorization: `Basic ${Buffer.from(`admin:${TEST_KEYS.admin}`).toString('base64')}` },
        { authorization: 'Bearer a.b.c' },
      ];
      for (const headers of attempts) {
        const body = method === 'GET' ? undefined : L2VPN_INPUT;
        const answer = await call(method, `${t.url}${path}`, body, headers, { key: null });
        expect({ method, path, status: answer.status }).toEqual({ method, path, status: 401 });
        expect(answer.headers!.get('www-authenticate')).toBe('Bearer realm="baton"');
      }
    }
    expect(await t.adapters.eventStore.headPosition()).toBe(before);
  });

  it('accepts a key as Bearer or X-API-Key, and checks roles per route (403 below them)', async () => {
    const { body } = await api(t.url).start('create_l2vpn', L2VPN_INPUT);
    await api(t.url).waitFor(body.id, (d) => d.status === 'awaiting_callback');
    const rank = { auditor: 0, operator: 1, admin: 2 };
    for (const [who, key] of Object.entries({
      auditor: TEST_KEYS.auditor,
      operator: TEST_KEYS.operator,
      admin: TEST_KEYS.admin,
    })) {
      for (const [method, path, needs] of routes(body.id)) {
        if (method !== 'GET' && rank[who as keyof typeof rank] >= rank[needs]) continue; // writes: refusals only
        const answer = await call(
          method,
          `${t.url}${path}`,
          undefined,
          { 'x-api-key': key },
          {
            key: null,
          },
        );
        const allowed = rank[who as keyof typeof rank] >= rank[needs];
        expect({ who, method, path, forbidden: answer.status === 403 }).toEqual({
          who,
          method,
          path,
          forbidden: !allowed,
        });
        if (allowed) expect(answer.status).toBe(200);
      }
    }
    const asOperator = api(t.url, TEST_KEYS.operator);
    expect((await asOperator.abort(body.id, 'test')).status).toBe(204);
    const aborted = (await asOperator.events(body.id)).body.at(-1);
    expect(aborted).toMatchObject({ type: 'ProcessAborted', data: { by: 'test-operator' } });
  });

  it('tells the caller who it is authenticated as (GET /api/me, for the UI header)', async () => {
    const asNoc = await call('GET', `${t.url}/api/me`, undefined, {}, { key: TEST_KEYS.noc });
    expect(asNoc).toEqual({ status: 200, body: { name: 'test-noc', roles: ['operator', 'noc'] } });
    const anonymous = await call('GET', `${t.url}/api/me`, undefined, {}, { key: null });
    expect(anonymous.status).toBe(401);
    expect(JSON.stringify(asNoc.body)).not.toContain(TEST_KEYS.noc);
  });

  it('lets only the step roles (or an admin) confirm a restricted step; others get 403 and nothing is appended', async () => {
    const operator = api(t.url, TEST_KEYS.operator);
    const { body } = await operator.start('noc_confirm', {});
    const suspended = await operator.waitFor(body.id, (d) => d.status === 'suspended');
    expect(suspended.form).toMatchObject({ assignee: 'NOC', roles: ['noc'] });
    const before = (await operator.events(body.id)).body.length;
    const refused = await operator.resume(body.id, {});
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('This step may only be confirmed by: noc');
    expect((await operator.events(body.id)).body).toHaveLength(before);
    const auditorTry = await api(t.url, TEST_KEYS.auditor).resume(body.id, {});
    expect(auditorTry.status).toBe(403);
    expect((await api(t.url, TEST_KEYS.noc).resume(body.id, {})).status).toBe(204);
    const events = (await operator.events(body.id)).body;
    expect(events.find((e: { type: string }) => e.type === 'InputRequested').data.roles).toEqual([
      'noc',
    ]);
    expect(events.find((e: { type: string }) => e.type === 'ConfirmationGiven').data.by).toBe(
      'test-noc',
    );
  });

  it('never writes a key into a log line', () => {
    const logs = t.logs.lines.join('\n');
    for (const key of Object.values(TEST_KEYS)) expect(logs).not.toContain(key);
  });
});

describe('a route of Baton that declares no access', () => {
  @Controller('api/undeclared')
  class UndeclaredController {
    @Get()
    secret() {
      return { ok: true };
    }
  }
  // One of Baton's own handlers (as every controller in BATON_CONTROLLERS is marked) that forgot
  // its declaration; a host application's own routes are left to the host (baton-module.int).
  Reflect.defineMetadata(BATON_HANDLER_METADATA, true, UndeclaredController);

  it('is admin-only', async () => {
    const base = await startTestApp();
    const adapters = base.adapters;
    await base.close();
    @Module({ imports: [AppModule.forRoot(adapters)], controllers: [UndeclaredController] })
    class WithUndeclared {}
    const app = await NestFactory.create(WithUndeclared, { bodyParser: false, logger: false });
    configureHttp(app);
    await app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    try {
      expect(
        (await call('GET', `${url}/api/undeclared`, undefined, {}, { key: null })).status,
      ).toBe(401);
      expect(
        (await call('GET', `${url}/api/undeclared`, undefined, {}, { key: TEST_KEYS.operator }))
          .status,
      ).toBe(403);
      expect((await call('GET', `${url}/api/undeclared`)).body).toEqual({ ok: true });
    } finally {
      await app.close();
    }
  });
});

describe('authentication with OIDC tokens', () => {
  let keys: KeyPair;
  let stranger: KeyPair;
  beforeAll(async () => {
    keys = await generateKeyPair('RS256', { extractable: true });
    stranger = await generateKeyPair('RS256', { extractable: true });
  });

  const startWith = (oidc: OidcSettings) =>
    startTestApp({ adapters: { auth: { apiKeys: TEST_API_KEYS, oidc } } });

  it('verifies signature, issuer, audience and expiry (with clock skew) against a static key', async () => {
    const t = await startWith(oidcSettings({ publicKeyPem: await exportSPKI(keys.publicKey) }));
    try {
      const as = async (jwt: string) =>
        call('POST', `${t.url}/api/processes/create_l2vpn`, L2VPN_INPUT, {
          authorization: `Bearer ${jwt}`,
        });
      const now = Math.floor(Date.now() / 1000);
      const good = await token(keys, { preferred_username: 'erin', roles: ['operator'] });
      const started = await as(good);
      expect(started.status).toBe(201);
      const history = (await api(t.url).events(started.body.id)).body;
      expect(history[0]).toMatchObject({ data: { by: 'erin' }, metadata: { actor: 'erin' } });

      const refusals = {
        expired: await token(keys, { roles: ['operator'], sub: 'x', exp: now - 120 }),
        wrongAudience: await token(keys, { roles: ['operator'], sub: 'x', aud: 'other' }),
        wrongIssuer: await token(keys, { roles: ['operator'], sub: 'x', iss: 'https://evil.test' }),
        otherKey: await token(stranger, { roles: ['operator'], sub: 'x' }),
        unsigned: `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
          JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'x', roles: ['admin'], exp: now + 60 }),
        ).toString('base64url')}.`,
      };
      for (const [name, jwt] of Object.entries(refusals))
        expect({ name, status: (await as(jwt)).status }).toEqual({ name, status: 401 });
      // Within the clock skew (60 s) a just-expired token still counts.
      const skewed = await token(keys, { sub: 'frank', roles: ['operator'], exp: now - 20 });
      expect((await as(skewed)).status).toBe(201);
      // Verified but without a role that reaches: 403.
      const auditor = await token(keys, { sub: 'gina', roles: ['auditor'] });
      expect((await as(auditor)).status).toBe(403);
      const logs = t.logs.lines.join('\n');
      for (const jwt of [good, skewed, auditor, ...Object.values(refusals)])
        expect(logs).not.toContain(jwt);
    } finally {
      await t.close();
    }
  });

  it('maps the provider groups of several claims to Baton roles, and publishes the UI client', async () => {
    const t = await startWith(
      oidcSettings({
        publicKeyPem: await exportSPKI(keys.publicKey),
        rolesClaim: 'groups, realm_access.roles',
        roleMap: parseRoleMap('/ops/noc=operator+noc,reader=auditor', 'OIDC_ROLE_MAP'),
        ui: { clientId: 'baton-ui', scopes: ['openid', 'profile'] },
      }),
    );
    try {
      const me = async (claims: JWTPayload) =>
        call('GET', `${t.url}/api/me`, undefined, {
          authorization: `Bearer ${await token(keys, claims)}`,
        });
      const noc = await me({ sub: 'nina', groups: ['/ops/noc'], realm_access: { roles: ['x'] } });
      expect(noc.body).toEqual({ name: 'nina', roles: ['operator', 'noc'] });
      const reader = await me({ sub: 'rob', realm_access: { roles: ['reader'] } });
      expect(reader.body).toEqual({ name: 'rob', roles: ['auditor'] });
      // A value named like a role grants nothing unless the map says so.
      expect((await me({ sub: 'sam', groups: ['admin'], roles: ['admin'] })).status).toBe(403);
      // The UI's sign-in settings are public and hold nothing secret.
      const config = await call('GET', `${t.url}/api/ui/config`, undefined, {}, { key: null });
      expect(config).toMatchObject({
        status: 200,
        body: {
          oidc: {
            issuer: ISSUER,
            clientId: 'baton-ui',
            scopes: ['openid', 'profile'],
            audience: AUDIENCE,
          },
          apiKeys: true,
        },
      });
    } finally {
      await t.close();
    }
  });

  it('fetches signing keys from a JWKS URL and reads roles from a nested claim', async () => {
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    let fetched = 0;
    const jwks: Server = createServer((_req, res) => {
      fetched++;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/certs`;
    const t = await startWith(oidcSettings({ jwksUrl, rolesClaim: 'realm_access.roles' }));
    try {
      const jwt = await token(
        keys,
        { preferred_username: 'hank', realm_access: { roles: ['auditor', 'offline_access'] } },
        { kid: 'k1' },
      );
      const auth = { authorization: `Bearer ${jwt}` };
      expect((await call('GET', `${t.url}/api/workflows`, undefined, auth)).status).toBe(200);
      expect(
        (await call('POST', `${t.url}/api/processes/create_l2vpn`, L2VPN_INPUT, auth)).status,
      ).toBe(403);
      expect(fetched).toBeGreaterThanOrEqual(1);
      const forged = await token(
        stranger,
        { preferred_username: 'hank', realm_access: { roles: ['admin'] } },
        { kid: 'k1' },
      );
      expect(
        (
          await call('GET', `${t.url}/api/workflows`, undefined, {
            authorization: `Bearer ${forged}`,
          })
        ).status,
      ).toBe(401);
      // API keys keep working next to OIDC.
      expect((await call('GET', `${t.url}/api/workflows`)).status).toBe(200);
    } finally {
      await t.close();
      await new Promise((r) => jwks.close(r));
    }
  });
});
