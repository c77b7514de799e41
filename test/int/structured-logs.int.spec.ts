/**
 * The production logger (pino through nestjs-pino, JSON) over real HTTP through a callback
 * scenario at the most verbose level: every line is one JSON object with the instance id, request
 * lines carry the correlation id (echoed as X-Request-Id) and the process id, runner lines the
 * process id; no callback token and no API key ever reaches the output.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { RecordedEvent } from '../../src/application/ports/event-store';
import { processStreamId } from '../../src/domain/process/events';
import { ProcessRepository } from '../../src/application/process/process-repository';
import { FAILURE, L2VPN_INPUT, SUCCESS, api, call, request } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import { TestApp, startTestApp } from '../support/test-app';

/** Collects what pino writes, line by line. */
class LogSink extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.chunks.push(chunk.toString('utf8'));
    done();
  }
  get text(): string {
    return this.chunks.join('');
  }
  get lines(): Record<string, any>[] {
    return this.text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, any>);
  }
}

const fixture = JSON.parse(
  readFileSync(path.join(__dirname, '../fixtures/create_l2vpn-v1-completed.events.json'), 'utf8'),
) as RecordedEvent[];

/** A key the app accepts, and one it refuses: neither may reach the log. */
const API_KEY = TEST_KEYS.admin;
const WRONG_KEY = 'sk-live-0123456789abcdef';

let t: TestApp;
let client: ReturnType<typeof api>;
const sink = new LogSink();

beforeAll(async () => {
  t = await startTestApp({ jsonLogs: sink });
  client = api(t.url);
});
afterAll(() => t?.close());

const waitForLine = async (match: (line: Record<string, any>) => boolean) => {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const found = sink.lines.find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no such log line');
};

describe('structured logs', () => {
  const tokens: string[] = [];

  it('logs a callback scenario as JSON lines carrying instance, correlation and process ids', async () => {
    const secrets = { authorization: `Bearer ${API_KEY}` };
    const refused = await request('GET', `${t.url}/api/workflows`, undefined, {
      'x-api-key': WRONG_KEY,
    });
    expect(refused.status).toBe(401);
    const started = await request('POST', `${t.url}/api/processes/create_l2vpn`, L2VPN_INPUT, {
      'x-request-id': 'req-start-1',
      ...secrets,
    });
    expect(started.status).toBe(201);
    expect(started.headers.get('x-request-id')).toBe('req-start-1');
    const { id } = (await started.json()) as { id: string };
    await client.awaitingCallback(id);
    const callbackUrl = await t.remote.callbackUrl();
    tokens.push(callbackUrl.split('/callback/')[1]);

    const progress = await request(
      'POST',
      `${callbackUrl}/progress`,
      { progress: ['TASK 1'] },
      secrets,
    );
    expect(progress.status).toBe(200);
    const accepted = await request('POST', callbackUrl, SUCCESS, {
      'x-request-id': 'cb-1',
      ...secrets,
    });
    expect(accepted.status).toBe(200);
    expect((await call('POST', callbackUrl, SUCCESS, secrets)).body).toEqual({
      status: 'duplicate',
    });
    expect((await call('POST', `${callbackUrl.slice(0, -2)}zz`, SUCCESS, secrets)).status).toBe(
      404,
    );
    await client.waitFor(id, (d) => d.status === 'suspended');
    expect((await call('PUT', `${t.url}/api/processes/${id}/resume`, {}, secrets)).status).toBe(
      204,
    );
    await client.waitFor(id, (d) => d.status === 'completed');

    // The start's correlation id is the one recorded in the process's first event.
    const history = (await client.events(id)).body as Array<{
      metadata: { correlationId: string };
    }>;
    expect(history[0].metadata.correlationId).toBe('req-start-1');

    const lines = sink.lines; // throws if any line is not JSON
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      expect(line).toMatchObject({ instanceId: 'test-instance', level: expect.any(Number) });
      expect(typeof line.time).toBe('string');
    }

    const startLine = lines.find((l) => l.correlationId === 'req-start-1' && l.res);
    expect(startLine).toMatchObject({
      req: { method: 'POST', url: '/api/processes/create_l2vpn' },
      res: { statusCode: 201 },
    });
    const callbackLine = lines.find((l) => l.correlationId === 'cb-1' && l.res);
    expect(callbackLine).toMatchObject({
      msg: `POST /api/processes/${id}/callback/[REDACTED] 200`,
      processId: id,
      req: { method: 'POST', url: `/api/processes/${id}/callback/[REDACTED]` },
      res: { statusCode: 200 },
    });
    const notFound = lines.find((l) => l.res?.statusCode === 404);
    expect(notFound).toMatchObject({
      processId: id,
      req: { url: `/api/processes/${id}/callback/[REDACTED]` },
      level: 40,
    });
    const resumeLine = lines.find(
      (l) => l.req?.method === 'PUT' && l.req?.url === `/api/processes/${id}/resume`,
    );
    expect(resumeLine).toMatchObject({ processId: id, correlationId: expect.any(String) });
  });

  it('generates a correlation id when the caller sends none, and answers it', async () => {
    const response = await request('GET', `${t.url}/api/workflows`);
    const generated = response.headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const line = await waitForLine((l) => l.correlationId === generated && l.res);
    expect(line.req).toEqual({ method: 'GET', url: '/api/workflows' });
  });

  it('tags what the runner logs with the process it was driving', async () => {
    // A history cut right after CallbackIssued, as a crash mid-action leaves it: the runner
    // re-issues the token, and says so (warn) from inside its drive of that process.
    const id = randomUUID();
    const recorded = fixture.slice(0, 4);
    expect(recorded.map((e) => e.type).at(-1)).toBe('CallbackIssued');
    const requestsBefore = t.remote.requests.length;
    await t.adapters.eventStore.append(
      processStreamId(id),
      recorded.map((e) => ({
        type: e.type,
        data: e.type === 'ProcessStarted' ? { ...e.data, processId: id } : e.data,
        metadata: e.metadata,
      })),
      'no_stream',
    );
    const line = await waitForLine((l) => l.context === 'CallbackStepRunner' && l.processId === id);
    expect(line).toMatchObject({ correlationId: id, instanceId: 'test-instance', level: 40 });
    expect(line.msg).toMatch(/issuing a new token/);
    tokens.push((await t.remote.callbackUrl(requestsBefore + 1)).split('/callback/')[1]);
  });

  // Issue #16 item 8: a process that ran to completion used to leave no line with its id.
  it('logs each step in the life of a process at info, one structured line each, with its id', async () => {
    const lifecycleOf = (id: string) =>
      sink.lines
        .filter((l) => l.context === 'ProcessLifecycle' && l.processId === id)
        .map((l) => [l.level, l.msg, l.event, l.status]);
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    const id = body.id as string;
    await client.awaitingCallback(id);
    const callbackUrl = await t.remote.callbackUrlOf(id);
    tokens.push(callbackUrl.split('/callback/')[1]);
    expect((await call('POST', callbackUrl, '{"return_code":', {}, { key: null })).status).toBe(
      400,
    );
    await client.callback(callbackUrl, SUCCESS);
    await client.waitFor(id, (d) => d.status === 'suspended');
    expect((await client.resume(id)).status).toBe(204);
    await client.waitFor(id, (d) => d.status === 'completed');
    await waitForLine((l) => l.event === 'ProcessCompleted' && l.processId === id);
    expect(lifecycleOf(id)).toEqual([
      [30, 'process started', 'ProcessStarted', 'running'],
      [30, 'process waiting for callback', 'CallbackIssued', 'awaiting_callback'],
      [30, 'callback refused', 'CallbackRejected', 'awaiting_callback'],
      [30, 'callback accepted', 'CallbackReceived', 'running'],
      [30, 'process suspended for input', 'InputRequested', 'suspended'],
      [30, 'process resumed', 'ConfirmationGiven', 'running'],
      [30, 'process completed', 'ProcessCompleted', 'completed'],
    ]);
    const started = sink.lines.find((l) => l.event === 'ProcessStarted' && l.processId === id);
    expect(started).toMatchObject({ workflow: 'create_l2vpn', revision: 0 });

    const { body: other } = await client.start('create_l2vpn', L2VPN_INPUT);
    await client.awaitingCallback(other.id);
    await client.callback(await t.remote.callbackUrlOf(other.id), FAILURE);
    await client.waitFor(other.id, (d) => d.status === 'failed');
    await t.app
      .get(ProcessRepository)
      .execute(
        other.id,
        { type: 'ParkProcess', reason: 'test', attempts: 1 },
        { actor: 'test', correlationId: 'c', causationId: null },
      );
    await waitForLine((l) => l.event === 'ProcessParked' && l.processId === other.id);
    expect(lifecycleOf(other.id).map(([, msg]) => msg)).toEqual([
      'process started',
      'process waiting for callback',
      'callback accepted',
      'process failed',
      'process parked',
    ]);
  });

  it('never writes a callback token or an API key', () => {
    expect(tokens.length).toBe(3);
    const text = sink.text;
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(text).not.toContain(token);
    }
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(WRONG_KEY);
    // The refused request itself was logged (at warn), without its key.
    expect(sink.lines.some((l) => l.res?.statusCode === 401)).toBe(true);
  });
});
