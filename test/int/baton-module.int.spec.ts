/**
 * BatonModule.forRoot inside a host NestJS application that keeps Nest's own JSON body parser:
 * the L2VPN example runs end to end over HTTP (start, the runner request, callback to the URL it
 * issued, confirm, completed), a byte-identical re-delivery is still recognised although the
 * host parses JSON, and the host's own routes answer as the host made them (no Baton key asked,
 * the host's own error format).
 */
import { Body, Controller, Get, Module, NotFoundException, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { INestApplication } from '@nestjs/common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BatonModule } from '../../src';
import { workflows } from '../../examples/l2vpn/src';
import { api, L2VPN_INPUT, SUCCESS } from '../support/api';
import { TEST_API_KEYS_ENV } from '../support/auth';
import { freePort, startTestPostgres, TestDatabase, TestPostgres } from '../support/postgres';

jest.setTimeout(120_000);

@Controller('hello')
class HelloController {
  @Get()
  hello() {
    return { hello: 'from the host' };
  }

  @Post('echo')
  echo(@Body() body: unknown) {
    return { echoed: body };
  }

  @Get('missing')
  missing() {
    throw new NotFoundException('the host says: no such thing');
  }
}

/** An LSO-compatible runner that only records what it is asked. */
const startRunner = async () => {
  const bodies: Array<Record<string, unknown>> = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"job_id":"j1"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise((r) => server.close(r)),
  };
};

describe('BatonModule in a host NestJS application', () => {
  let postgres: TestPostgres;
  let db: TestDatabase;
  let app: INestApplication;
  let runner: Awaited<ReturnType<typeof startRunner>>;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    db = await postgres.createTestDatabase({ migrate: false });
    runner = await startRunner();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'baton-module-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;

    @Module({
      imports: [
        BatonModule.forRootAsync({
          useFactory: async () => ({
            workflows,
            env: {
              DATABASE_URL: db.connectionString,
              DATA_DIR: dataDir,
              API_KEYS: TEST_API_KEYS_ENV,
              RUNNER_SIMULATOR: 'off',
              ANSIBLE_PROXY_URL: runner.url,
              LOG_LEVEL: 'error',
            },
            config: { publicUrl: base },
          }),
        }),
      ],
      controllers: [HelloController],
    })
    class HostModule {}

    app = await NestFactory.create(HostModule, { logger: ['error'] });
    await app.listen(port, '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await runner?.close();
    await db?.drop();
    await postgres?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs a process end to end over HTTP beside the host routes', async () => {
    const client = api(base);
    const started = await client.start('create_l2vpn', L2VPN_INPUT);
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    await client.awaitingCallback(id);
    const callbackUrl = String(runner.bodies[0].callback);
    expect(callbackUrl.startsWith(`${base}/api/processes/${id}/callback/`)).toBe(true);

    expect((await client.callback(callbackUrl, SUCCESS)).body).toEqual({ status: 'accepted' });
    // The host parses JSON, yet the bytes reach Baton: the same body again is a duplicate.
    expect((await client.callback(callbackUrl, SUCCESS)).body).toEqual({ status: 'duplicate' });
    await client.waitFor(id, (d) => d.status === 'suspended');
    expect((await client.resume(id)).status).toBe(204);
    const done = await client.waitFor(id, (d) => d.status === 'completed');
    expect(done.state.subscription.status).toBe('active');
  });

  it("leaves the host's routes as the host made them", async () => {
    const hello = await fetch(`${base}/hello`);
    expect(hello.status).toBe(200);
    expect(await hello.json()).toEqual({ hello: 'from the host' });
    const echo = await fetch(`${base}/hello/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(await echo.json()).toEqual({ echoed: { a: 1 } });
    // Nest's own error answer, not Baton's "Route not found" mapping.
    const missing = await fetch(`${base}/hello/missing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ message: 'the host says: no such thing' });
    // Baton's routes still ask for a key.
    expect((await fetch(`${base}/api/processes`)).status).toBe(401);
  });
});
