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
    expect(loadConfig({ NODE_ENV: 'production' }, true).logFormat).toBe('json');
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

  it('turns a log level into the levels Nest should print', () => {
    expect(logLevels('warn')).toEqual(['error', 'warn']);
  });
});
