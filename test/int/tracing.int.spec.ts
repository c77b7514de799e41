/**
 * OpenTelemetry (issue 19 point 2): the seed scenario with an in-memory span exporter shows one
 * trace per process, from the start request through its steps, the runner request (which
 * carries the traceparent), the callback and the confirmation to completion; the callback's
 * request span links to that trace; webhook receivers and the JSON logs get the trace id.
 */
import { Writable } from 'node:stream';
import {
  InMemorySpanExporter,
  ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { fetchHttpClient } from '../../src/infrastructure/http/fetch-http-client';
import { StartedTracing, startTracing } from '../../src/infrastructure/tracing/otel-tracing';
import { L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { FakeLso, startFakeLso } from '../support/fake-lso';
import { TestApp, startTestApp } from '../support/test-app';
import { WebhookReceiver, startWebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(60_000);

class LogSink extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
}

const traceIdOf = (traceparent: string | undefined) => traceparent?.split('-')[1];

describe('tracing the seed scenario', () => {
  const exporter = new InMemorySpanExporter();
  const logs = new LogSink();
  let tracing: StartedTracing;
  let t: TestApp;
  let lso: FakeLso;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    tracing = startTracing({
      serviceName: 'baton-test',
      instanceId: 'tracing-test',
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    lso = await startFakeLso();
    receiver = await startWebhookReceiver('webhook-secret-for-tracing');
    t = await startTestApp({
      adapters: { http: fetchHttpClient(), tracing: tracing.tracing },
      jsonLogs: logs,
    });
    t.adapters.runtime.workflowSettings.ANSIBLE_PROXY_URL = lso.url;
  });
  afterAll(async () => {
    await t?.close();
    await lso?.close();
    await receiver?.close();
    await tracing?.shutdown();
  });

  it('shows start → steps → waiting → callback → confirmation → completion in one trace', async () => {
    const hook = await call('POST', `${t.url}/api/webhooks`, {
      url: receiver.url,
      secret: 'webhook-secret-for-tracing',
    });
    expect(hook.status).toBe(201);
    const client = api(t.url);
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    await lso.waitForRequests(1);
    const runnerRequest = lso.requests[0];
    const traceId = traceIdOf(runnerRequest.headers.traceparent as string);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    expect((await call('POST', runnerRequest.callback, SUCCESS, {}, { key: null })).status).toBe(
      200,
    );
    await client.waitFor(body.id, (d) => d.status === 'suspended');
    expect((await client.resume(body.id, {})).status).toBe(204);
    await client.waitFor(body.id, (d) => d.status === 'completed');
    const events = (await client.events(body.id)).body as Array<{ type: string }>;
    await receiver.waitFor(() => receiver.accepted().length >= events.length);

    const spans = exporter.getFinishedSpans();
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
    const names = inTrace.map((s) => s.name);
    // The start request is the root of the process's trace.
    const root = inTrace.find((s) => s.name === 'HTTP POST' && !s.parentSpanContext);
    expect(root?.attributes['http.route']).toBe('/api/processes/:workflow');
    for (const name of [
      'command StartProcess',
      'command ReceiveCallback',
      'command ResumeProcess',
      'drive',
    ])
      expect(names).toContain(name);
    const definition = t.adapters.registry.latest('create_l2vpn');
    for (const step of definition.steps) expect(names).toContain(`step ${step.name}`);
    const appended = inTrace
      .filter((s) => s.name === 'append')
      .map((s) => String(s.attributes['baton.events']));
    expect(appended[0]).toBe('ProcessStarted');
    expect(appended.some((a) => a.includes('CallbackReceived'))).toBe(true);
    expect(appended.some((a) => a.includes('ConfirmationGiven'))).toBe(true);
    expect(appended[appended.length - 1]).toContain('ProcessCompleted');

    // The callback came in on a request of its own; its span links to the process's trace,
    // and the command it carried is part of that trace, linked back to the request.
    const callbackRequest = spans.find(
      (s) => s.attributes['http.route'] === '/api/processes/:id/callback/:token',
    ) as ReadableSpan;
    expect(callbackRequest.links.map((l) => l.context.traceId)).toContain(traceId);
    const callbackCommand = inTrace.find(
      (s) => s.name === 'command ReceiveCallback',
    ) as ReadableSpan;
    expect(callbackCommand.links.map((l) => l.context.spanId)).toContain(
      callbackRequest.spanContext().spanId,
    );
    // Status polls, answered ahead of Express's router, keep their span and its route.
    const polls = spans.filter(
      (s) => s.name === 'HTTP GET' && s.attributes['http.route'] === '/api/processes/:id',
    );
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.every((s) => s.attributes['http.response.status_code'] === 200)).toBe(true);
    // No span carries a token: not in names, not in attributes.
    const token = runnerRequest.callback.split('/').pop() as string;
    expect(JSON.stringify(spans.map((s) => [s.name, s.attributes]))).not.toContain(token);

    // Every event carries the trace; receivers get it as their traceparent.
    const delivered = receiver
      .accepted()
      .filter((d) => JSON.parse(d.body).event.processId === body.id);
    expect(delivered.map((d) => traceIdOf(d.headers.traceparent as string))).toEqual(
      delivered.map(() => traceId),
    );
    // The traceparent in each event's metadata is covered by its hash: the chain still holds.
    const verdict = await call('GET', `${t.url}/api/processes/${body.id}/verify`);
    expect(verdict.body).toMatchObject({ intact: true });
    // The JSON logs name the trace.
    expect(logs.lines.some((line) => JSON.parse(line).trace_id === traceId)).toBe(true);
  });
});
