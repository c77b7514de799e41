import path from 'node:path';
import { loadConfig, logLevels } from '../../src/config';

describe('configuration', () => {
  it('defaults to port 8080, ./data, the embedded store and the bundled simulator', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      publicUrl: 'http://localhost:8080',
      databaseUrl: null,
      dataDir: path.resolve('./data'),
      ansibleProxyUrl: null,
      runnerSimulator: true,
      logLevel: 'log',
    });
  });

  it('uses a real runner, without the simulator, once ANSIBLE_PROXY_URL is set', () => {
    const config = loadConfig({
      ANSIBLE_PROXY_URL: 'http://lso:8000/',
      PORT: '9000',
      PUBLIC_URL: 'https://baton.example/',
    });
    expect(config).toMatchObject({
      ansibleProxyUrl: 'http://lso:8000',
      runnerSimulator: false,
      port: 9000,
      publicUrl: 'https://baton.example',
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a non-negative integer'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL must be a URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ RUNNER_SIMULATOR: 'maybe' }, 'RUNNER_SIMULATOR must be "on" or "off"'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT must be "json" or "pretty"'],
    [{ LOG_REQUESTS: 'some' }, 'LOG_REQUESTS must be "errors" or "all"'],
    [{ INSTANCE_ID: 'x'.repeat(101) }, 'INSTANCE_ID must be at most 100 characters'],
    [{ READY_MAX_PROJECTION_LAG_MS: '-1' }, 'READY_MAX_PROJECTION_LAG_MS must be a non-negative'],
    [{ EVENTSTORE_CONNECTION_STRING: 'http://es:2113' }, 'EVENTSTORE_CONNECTION_STRING must start'],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('logs JSON except for a person at a terminal outside production, unless told', () => {
    expect(loadConfig({}, false).logFormat).toBe('json');
    expect(loadConfig({}, true).logFormat).toBe('pretty');
    expect(
      loadConfig({ NODE_ENV: 'production', ANSIBLE_PROXY_URL: 'http://lso.test' }, true).logFormat,
    ).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'json' }, true).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }, false).logFormat).toBe('pretty');
  });

  it('logs only failed, aborted or slow requests unless LOG_REQUESTS=all', () => {
    expect(loadConfig({}).logRequests).toBe('errors');
    expect(loadConfig({ LOG_REQUESTS: 'all' }).logRequests).toBe('all');
  });

  it('takes INSTANCE_ID as given, or makes one unique to this run', () => {
    expect(loadConfig({ INSTANCE_ID: ' baton-a ' }).instanceId).toBe('baton-a');
    const generated = [loadConfig({}).instanceId, loadConfig({}).instanceId];
    expect(generated[0]).not.toBe(generated[1]);
    expect(generated[0]).toMatch(/-[0-9a-f]{8}$/);
  });

  it('bounds requests, progress reports and event streams (issue #16), refusing 0', () => {
    expect(loadConfig({})).toMatchObject({
      requestDeadlineMs: 30_000,
      pollDeferMs: 10,
      progressLimits: { maxReports: 2000, maxBytes: 8 * 1024 * 1024 },
      feedStreamsPerCredential: 5,
      heapReleaseIdleMs: 2000,
    });
    expect(loadConfig({ HEAP_RELEASE_IDLE_MS: '0' }).heapReleaseIdleMs).toBe(0);
    expect(() => loadConfig({ HEAP_RELEASE_IDLE_MS: 'soon' })).toThrow('HEAP_RELEASE_IDLE_MS');
    expect(
      loadConfig({
        REQUEST_DEADLINE_MS: '5000',
        POLL_DEFER_MS: '0',
        CALLBACK_PROGRESS_MAX_REPORTS: '10',
        CALLBACK_PROGRESS_MAX_BYTES: '4096',
        FEED_STREAMS_PER_CREDENTIAL: '2',
      }),
    ).toMatchObject({
      requestDeadlineMs: 5000,
      pollDeferMs: 0,
      progressLimits: { maxReports: 10, maxBytes: 4096 },
      feedStreamsPerCredential: 2,
    });
    for (const name of [
      'REQUEST_DEADLINE_MS',
      'CALLBACK_PROGRESS_MAX_REPORTS',
      'CALLBACK_PROGRESS_MAX_BYTES',
      'FEED_STREAMS_PER_CREDENTIAL',
    ])
      expect(() => loadConfig({ [name]: '0' })).toThrow(name);
  });

  it('pings the ownership session after 1 s idle and gives a query 2.5 s, unless configured', () => {
    expect(loadConfig({}).ownershipHeartbeat).toEqual({ everyMs: 1000, timeoutMs: 2500 });
    expect(
      loadConfig({ OWNERSHIP_HEARTBEAT_MS: '3000', OWNERSHIP_HEARTBEAT_TIMEOUT_MS: '10000' })
        .ownershipHeartbeat,
    ).toEqual({ everyMs: 3000, timeoutMs: 10_000 });
    expect(() => loadConfig({ OWNERSHIP_HEARTBEAT_TIMEOUT_MS: '800' })).toThrow(
      'OWNERSHIP_HEARTBEAT_TIMEOUT_MS (800) must be longer than OWNERSHIP_HEARTBEAT_MS (1000)',
    );
    expect(() => loadConfig({ OWNERSHIP_HEARTBEAT_MS: '0' })).toThrow(
      'OWNERSHIP_HEARTBEAT_MS must be at least 1',
    );
  });

  it('gives a callback on its way 50 ms to go first unless configured, up to 10 s', () => {
    expect(loadConfig({}).callbackGraceMs).toBe(50);
    expect(loadConfig({ CALLBACK_GRACE_MS: '0' }).callbackGraceMs).toBe(0);
    expect(loadConfig({ CALLBACK_GRACE_MS: '10000' }).callbackGraceMs).toBe(10_000);
    expect(() => loadConfig({ CALLBACK_GRACE_MS: '10001' })).toThrow(
      'CALLBACK_GRACE_MS must be at most 10000, got 10001',
    );
    expect(() => loadConfig({ CALLBACK_GRACE_MS: '-5' })).toThrow(
      'CALLBACK_GRACE_MS must be a non-negative integer',
    );
  });

  it('bounds readiness on projection lag at 30 s unless configured', () => {
    expect(loadConfig({}).readyMaxProjectionLagMs).toBe(30_000);
    expect(loadConfig({ READY_MAX_PROJECTION_LAG_MS: '5000' }).readyMaxProjectionLagMs).toBe(5000);
  });

  it('takes an EventStoreDB connection string for the event store', () => {
    expect(loadConfig({}).eventstoreConnectionString).toBeNull();
    const single = 'esdb://admin:changeit@localhost:2113?tls=false';
    expect(loadConfig({ EVENTSTORE_CONNECTION_STRING: single }).eventstoreConnectionString).toBe(
      single,
    );
    const cluster = 'esdb+discover://es.internal:2113';
    expect(loadConfig({ EVENTSTORE_CONNECTION_STRING: cluster }).eventstoreConnectionString).toBe(
      cluster,
    );
  });

  it('never repeats a refused EventStoreDB connection string, which may hold a password', () => {
    expect(() => loadConfig({ EVENTSTORE_CONNECTION_STRING: 'tcp://u:s3cret@es:1113' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret') }),
    );
  });

  describe('security settings', () => {
    const KEY_LINE = `ops:operator+noc:${'ab'.repeat(32)}`;

    it('listens on loopback only while no credentials are configured', () => {
      expect(loadConfig({}).host).toBe('127.0.0.1');
      expect(loadConfig({ API_KEYS: KEY_LINE }).host).toBe('0.0.0.0');
      expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
    });

    it('refuses a non-loopback HOST without credentials, with a clear message', () => {
      expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(
        'HOST=0.0.0.0 is reachable from other machines, but no credentials are configured: set API_KEYS, API_KEYS_FILE or OIDC_ISSUER',
      );
      expect(loadConfig({ HOST: '0.0.0.0', API_KEYS: KEY_LINE }).apiKeys).toEqual([
        { name: 'ops', roles: ['operator', 'noc'], hash: 'ab'.repeat(32) },
      ]);
    });

    it('takes API keys only as hashes, and never repeats what it was given', () => {
      const plain = 'my-plain-secret-key-that-should-be-a-hash';
      let message = '';
      try {
        loadConfig({ API_KEYS: `ops:operator:${plain}` });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain('SHA-256');
      expect(message).not.toContain(plain);
      expect(() => loadConfig({ API_KEYS: `ops:Root:${'ab'.repeat(32)}` })).toThrow('roles');
      expect(
        loadConfig({
          API_KEYS: `a:admin:sha256:${'cd'.repeat(32)},\n b:auditor:${'ef'.repeat(32)}`,
        }).apiKeys,
      ).toHaveLength(2);
    });

    it('reads OIDC settings and refuses half of them', () => {
      const oidc = loadConfig({
        OIDC_ISSUER: 'https://idp.example/realms/ops',
        OIDC_AUDIENCE: 'baton',
        OIDC_JWKS_URL: 'https://idp.example/certs',
        OIDC_ROLES_CLAIM: 'realm_access.roles',
      }).oidc;
      expect(oidc).toMatchObject({
        issuer: 'https://idp.example/realms/ops',
        audience: 'baton',
        clockSkewSeconds: 60,
        rolesClaim: 'realm_access.roles',
        userClaim: 'preferred_username',
      });
      expect(() => loadConfig({ OIDC_ISSUER: 'https://idp.example' })).toThrow('OIDC_AUDIENCE');
      expect(() => loadConfig({ OIDC_ISSUER: 'https://i', OIDC_AUDIENCE: 'b' })).toThrow(
        'exactly one of OIDC_JWKS_URL or OIDC_PUBLIC_KEY',
      );
      expect(() =>
        loadConfig({
          OIDC_ISSUER: 'https://i',
          OIDC_AUDIENCE: 'b',
          OIDC_JWKS_URL: 'https://i/certs',
          OIDC_ALGORITHMS: 'HS256',
        }),
      ).toThrow('public-key algorithms');
      expect(() =>
        loadConfig({ OIDC_ISSUER: 'https://i', OIDC_AUDIENCE: 'b', OIDC_PUBLIC_KEY: 'not a key' }),
      ).toThrow('must hold a PEM public key');
    });

    it('reads the UI client and the group-to-role map of the OpenID provider', () => {
      const base = {
        OIDC_ISSUER: 'https://idp.example/realms/ops',
        OIDC_AUDIENCE: 'baton',
        OIDC_JWKS_URL: 'https://idp.example/certs',
      };
      const oidc = loadConfig({
        ...base,
        OIDC_UI_CLIENT_ID: 'baton-ui',
        OIDC_ROLE_MAP: '/network/noc=operator+noc, /audit=auditor\n/Ops Team=admin',
      }).oidc;
      expect(oidc?.ui).toEqual({ clientId: 'baton-ui', scopes: ['openid', 'profile'] });
      expect(Object.fromEntries(oidc?.roleMap ?? [])).toEqual({
        '/network/noc': ['operator', 'noc'],
        '/audit': ['auditor'],
        '/Ops Team': ['admin'],
      });
      expect(loadConfig(base).oidc).toMatchObject({ ui: null, roleMap: null });
      expect(
        loadConfig({ ...base, OIDC_UI_CLIENT_ID: 'ui', OIDC_UI_SCOPES: 'openid groups' }).oidc?.ui
          ?.scopes,
      ).toEqual(['openid', 'groups']);
      expect(() =>
        loadConfig({ ...base, OIDC_UI_CLIENT_ID: 'ui', OIDC_UI_SCOPES: 'email' }),
      ).toThrow('must include openid');
      expect(() => loadConfig({ OIDC_UI_CLIENT_ID: 'ui' })).toThrow('needs OIDC_ISSUER');
      expect(() => loadConfig({ OIDC_ROLE_MAP: 'a=admin' })).toThrow('needs OIDC_ISSUER');
      expect(() =>
        loadConfig({ ...base, OIDC_ISSUER: 'ops-realm', OIDC_UI_CLIENT_ID: 'ui' }),
      ).toThrow("provider's http(s) URL");
      expect(() => loadConfig({ ...base, OIDC_ROLE_MAP: '/noc=Operator' })).toThrow(
        'OIDC_ROLE_MAP, entry 1 (/noc): roles must be',
      );
      expect(() => loadConfig({ ...base, OIDC_ROLE_MAP: 'operator' })).toThrow(
        'expected "claim value=role[+role]"',
      );
    });

    it('never starts the simulator in production; there a runner URL is required', () => {
      expect(() => loadConfig({ NODE_ENV: 'production', API_KEYS: KEY_LINE })).toThrow(
        'NODE_ENV=production needs ANSIBLE_PROXY_URL',
      );
      expect(() =>
        loadConfig({
          NODE_ENV: 'production',
          API_KEYS: KEY_LINE,
          ANSIBLE_PROXY_URL: 'http://lso:8000',
          RUNNER_SIMULATOR: 'on',
        }),
      ).toThrow('never started in production');
      expect(
        loadConfig({
          NODE_ENV: 'production',
          API_KEYS: KEY_LINE,
          ANSIBLE_PROXY_URL: 'http://lso:8000',
        }).runnerSimulator,
      ).toBe(false);
    });

    it('reads callback secrets, CORS origins and refusal limits', () => {
      const config = loadConfig({
        CALLBACK_HMAC_SECRETS: 'create_l2vpn=0123456789abcdef0123',
        CORS_ORIGINS: 'https://ui.example, https://ops.example',
        CALLBACK_REFUSALS_PER_PROCESS: '5',
      });
      expect(config.callbackSecrets).toEqual({ create_l2vpn: '0123456789abcdef0123' });
      expect(config.corsOrigins).toEqual(['https://ui.example', 'https://ops.example']);
      expect(config.callbackRefusalLimits).toMatchObject({ perProcess: 5, perAddress: 60 });
      expect(loadConfig({}).corsOrigins).toEqual([]);
      expect(() => loadConfig({ CALLBACK_HMAC_SECRETS: 'create_l2vpn=short' })).toThrow(
        'at least 16 characters',
      );
    });
  });

  it('turns a log level into the levels Nest should print', () => {
    expect(logLevels('warn')).toEqual(['error', 'warn']);
  });
});
