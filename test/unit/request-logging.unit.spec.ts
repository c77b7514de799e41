/**
 * Request lines: by default only failed, aborted and slow requests are logged (a successful
 * request costs no line); `LOG_REQUESTS=all` logs every one. Each line carries the correlation
 * id, the process id and the redacted path; health probes and scrapes are never logged.
 */
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { Request, Response } from 'express';
import {
  currentLogContext,
  currentTraceContext,
} from '../../src/application/observability/log-context';
import { Tracing, noTracing } from '../../src/application/ports/tracing';
import { RequestLogMode } from '../../src/config';
import { createLogging } from '../../src/interfaces/rest/logging';
import { SLOW_REQUEST_MS, requestLogging } from '../../src/interfaces/rest/request-logging';
import { nameAnsweredRoute } from '../../src/interfaces/rest/request-tracing';
import { recordingTracing } from '../support/recording-tracing';

const PROCESS = '0b7b9e2e-8c1a-4a57-9d7e-5f0e1a2b3c4d';

class Sink extends Writable {
  readonly lines: Record<string, any>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
      this.lines.push(JSON.parse(line) as Record<string, any>);
    done();
  }
}

/** Just enough of express's request and response for the middleware. */
const exchange = (method: string, url: string, headers: Record<string, string> = {}) => {
  const req = { method, url, originalUrl: url, path: url.split('?')[0], headers };
  const res = Object.assign(new EventEmitter(), {
    statusCode: 200,
    headersSent: false,
    writableFinished: false,
    locals: {} as Record<string, unknown>,
    responseHeaders: {} as Record<string, string>,
    setHeader(name: string, value: string) {
      this.responseHeaders[name.toLowerCase()] = value;
    },
    getHeader(name: string) {
      return this.responseHeaders[name.toLowerCase()];
    },
  });
  return { req, res };
};

const run = (
  mode: RequestLogMode,
  method: string,
  url: string,
  answer: { status: number; finished?: boolean; contentType?: string; elapseMs?: number },
) => {
  const sink = new Sink();
  const logging = createLogging({
    level: 'log',
    format: 'json',
    instanceId: 'unit',
    requests: mode,
    destination: sink,
  });
  const { req, res } = exchange(method, url, { 'x-request-id': 'req-1' });
  let context: unknown;
  const now = jest.spyOn(performance, 'now').mockReturnValue(1000);
  requestLogging(logging)(req as unknown as Request, res as unknown as Response, () => {
    context = currentLogContext();
  });
  now.mockReturnValue(1000 + (answer.elapseMs ?? 5));
  res.statusCode = answer.status;
  res.writableFinished = answer.finished ?? true;
  if (answer.contentType) res.setHeader('content-type', answer.contentType);
  res.emit('close');
  now.mockRestore();
  return { lines: sink.lines, context, res };
};

describe('request logging', () => {
  it('writes no line for a quick successful request by default, but sets the log context', () => {
    const { lines, context, res } = run('errors', 'GET', `/api/processes/${PROCESS}`, {
      status: 200,
    });
    expect(lines).toEqual([]);
    expect(context).toEqual({ correlationId: 'req-1', processId: PROCESS });
    expect(res.getHeader('x-request-id')).toBe('req-1');
  });

  it('logs client errors at warn and server errors at error, with ids and the token redacted', () => {
    const url = `/api/processes/${PROCESS}/callback/secret-token-value`;
    const notFound = run('errors', 'POST', url, { status: 404 }).lines;
    expect(notFound).toHaveLength(1);
    expect(notFound[0]).toMatchObject({
      level: 40,
      correlationId: 'req-1',
      processId: PROCESS,
      req: { method: 'POST', url: `/api/processes/${PROCESS}/callback/[REDACTED]` },
      res: { statusCode: 404 },
      msg: `POST /api/processes/${PROCESS}/callback/[REDACTED] 404`,
    });
    expect(JSON.stringify(notFound)).not.toContain('secret-token-value');
    expect(run('errors', 'GET', '/api/workflows', { status: 503 }).lines[0]).toMatchObject({
      level: 50,
    });
  });

  it('logs slow and aborted requests, but not an event stream the client closed', () => {
    const slow = run('errors', 'GET', '/api/processes', {
      status: 200,
      elapseMs: SLOW_REQUEST_MS + 1,
    }).lines;
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({ level: 30, responseTime: SLOW_REQUEST_MS + 1 });
    const aborted = run('errors', 'GET', '/api/processes', { status: 200, finished: false });
    expect(aborted.lines[0]).toMatchObject({ level: 40, msg: 'GET /api/processes 200 (aborted)' });
    const stream = run('errors', 'GET', '/api/events', {
      status: 200,
      finished: false,
      contentType: 'text/event-stream',
      elapseMs: 60_000,
    });
    expect(stream.lines).toEqual([]);
  });

  it('logs every request with LOG_REQUESTS=all, except probes and scrapes', () => {
    expect(run('all', 'GET', '/api/workflows', { status: 200 }).lines[0]).toMatchObject({
      level: 30,
      correlationId: 'req-1',
      req: { method: 'GET', url: '/api/workflows' },
      res: { statusCode: 200 },
      msg: 'GET /api/workflows 200',
    });
    expect(run('all', 'GET', '/health/ready', { status: 503 }).lines).toEqual([]);
    expect(run('all', 'GET', '/metrics', { status: 200 }).lines).toEqual([]);
  });

  describe('with tracing on', () => {
    const traced = (url: string, tracing: Tracing) => {
      const logging = createLogging({
        level: 'log',
        format: 'json',
        instanceId: 'unit',
        requests: 'errors',
        destination: new Sink(),
      });
      const { req, res } = exchange('GET', url, { 'x-request-id': 'req-2' });
      let seen: { log: unknown; trace: unknown } | undefined;
      requestLogging(logging, tracing)(
        req as unknown as Request,
        res as unknown as Response,
        () => {
          seen = { log: currentLogContext(), trace: currentTraceContext() };
        },
      );
      return { res, seen };
    };

    it("opens the request's span in the log context's scope and ends it on close, named by the route", () => {
      const { spans, tracing } = recordingTracing();
      const { res, seen } = traced(`/api/processes/${PROCESS}`, tracing);
      expect(seen).toEqual({
        log: { correlationId: 'req-2', processId: PROCESS },
        trace: 'HTTP GET',
      });
      expect(spans).toEqual([
        { name: 'HTTP GET', attributes: { 'http.request.method': 'GET' }, ended: false },
      ]);
      nameAnsweredRoute(res as unknown as Response, '/api/processes/:id');
      res.statusCode = 404;
      res.emit('close');
      expect(spans[0]).toEqual({
        name: 'HTTP GET',
        attributes: {
          'http.request.method': 'GET',
          'http.route': '/api/processes/:id',
          'http.response.status_code': 404,
        },
        ended: true,
      });
    });

    it('opens none for probes and scrapes, and none with tracing off', () => {
      const { spans, tracing } = recordingTracing();
      expect(traced('/health/ready', tracing).seen).toEqual({
        log: { correlationId: 'req-2' },
        trace: undefined,
      });
      traced('/metrics', tracing);
      expect(spans).toEqual([]);
      expect(traced(`/api/processes/${PROCESS}`, noTracing).seen).toEqual({
        log: { correlationId: 'req-2', processId: PROCESS },
        trace: undefined,
      });
    });
  });
});
