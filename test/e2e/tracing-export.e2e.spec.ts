/**
 * The real start-up path of tracing (issue 19): `TRACING=otlp` with an OTLP endpoint makes the
 * service export its spans over OTLP/HTTP; the JSON log lines of traced work carry trace ids.
 * The collector here is a plain HTTP server that records what it is sent.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { L2VPN_INPUT, api } from '../support/api';
import { startFakeLso, FakeLso } from '../support/fake-lso';
import { PgFixture, startPgFixture } from '../support/pg-app';
import { freePort } from '../support/postgres';
import { ServiceProcess, startServiceProcess } from '../support/service-process';

jest.setTimeout(240_000);

describe('tracing with OTLP export, as configured by the environment', () => {
  let pg: PgFixture;
  let lso: FakeLso;
  let service: ServiceProcess;
  let collector: http.Server;
  const exported: Array<{ path: string; body: string }> = [];

  beforeAll(async () => {
    collector = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        exported.push({ path: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    pg = await startPgFixture();
    lso = await startFakeLso();
    const port = String(await freePort());
    service = await startServiceProcess({
      PORT: port,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: pg.db.connectionString,
      ANSIBLE_PROXY_URL: lso.url,
      RUNNER_SIMULATOR: 'off',
      LOG_FORMAT: 'json',
      LOG_REQUESTS: 'all',
      TRACING: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
  });
  afterAll(async () => {
    await service?.kill('SIGTERM');
    await lso?.close();
    await pg?.close();
    collector?.closeAllConnections();
    await new Promise((r) => collector?.close(r));
  });

  it('exports the spans of a process and sends its traceparent to the runner', async () => {
    const client = api(service.url);
    const started = await client.start('create_l2vpn', L2VPN_INPUT);
    expect(started.status).toBe(201);
    await lso.waitForRequests(1);
    const traceparent = lso.requests[0].headers.traceparent as string;
    const traceId = traceparent.split('-')[1];
    const deadline = Date.now() + 30_000;
    const has = (name: string) => exported.some((e) => e.body.includes(`"name":"${name}"`));
    while (!has('command StartProcess') || !has('drive')) {
      if (Date.now() > deadline) throw new Error('no spans exported');
      await new Promise((r) => setTimeout(r, 100));
    }
    const all = exported.map((e) => e.body).join('\n');
    expect(exported[0].path).toBe('/v1/traces');
    for (const name of ['HTTP POST', 'command StartProcess', 'append', 'drive'])
      expect(all).toContain(`"name":"${name}"`);
    // Probes and scrapes are not traced: they would bury the traces that matter.
    expect(all).not.toContain('"/health');
    expect(all).toContain(traceId);
    const tracedLine = service
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { trace_id?: string })
      .find((line) => line.trace_id === traceId);
    // The request's log line (LOG_REQUESTS=all) is written inside its span.
    expect(tracedLine).toBeDefined();
  });
});
