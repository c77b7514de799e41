/**
 * The OpenTelemetry adapter's short ways (issue 19, tracing's cost): spans made with startSpan
 * and one context.with, request spans ended by their caller, traceparents written without the
 * propagator and parsed once. Each must give what the SDK's long way gave: the W3C format the
 * propagator reads back, parents and links from traceparents, errors recorded, spans ended.
 */
import { Context, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  currentLogContext,
  currentTraceContext,
  withLogContext,
} from '../../src/application/observability/log-context';
import { StartedTracing, startTracing } from '../../src/infrastructure/tracing/otel-tracing';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('OtelTracing', () => {
  const exporter = new InMemorySpanExporter();
  let started: StartedTracing;

  beforeAll(() => {
    started = startTracing({
      serviceName: 'unit',
      instanceId: 'unit',
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
  });
  afterAll(() => started.shutdown());
  beforeEach(() => exporter.reset());

  const finished = (name: string) => {
    const span = exporter.getFinishedSpans().find((s) => s.name === name);
    if (!span) throw new Error(`no span ${name}`);
    return span;
  };

  it('nests spans and writes the current one as a traceparent the W3C propagator reads', async () => {
    const tracing = started.tracing;
    let inner: string | undefined;
    await tracing.span('outer', { a: 1 }, () =>
      tracing.span('inner', {}, async () => {
        await new Promise((resolve) => setImmediate(resolve));
        inner = tracing.current();
      }),
    );
    const outer = finished('outer');
    const span = finished('inner');
    expect(span.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(outer.attributes).toEqual({ a: 1 });
    expect(inner).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    const read = trace.getSpanContext(
      new W3CTraceContextPropagator().extract(
        ROOT_CONTEXT,
        { traceparent: inner },
        { get: (c, k) => c[k], keys: (c) => Object.keys(c) },
      ),
    );
    expect(read).toMatchObject({ traceId: span.spanContext().traceId, traceFlags: 1 });
    expect(tracing.current()).toBeUndefined(); // outside every span
    expect(tracing.logFields()).toEqual({});
  });

  it('continues a trace from a traceparent, links others, and ignores a malformed one', async () => {
    const tracing = started.tracing;
    // Twice: the second time the parse is the one kept from the first.
    for (const name of ['first', 'second'])
      await tracing.span(name, {}, () => Promise.resolve(), {
        parent: TRACEPARENT,
        links: [TRACEPARENT, 'not-a-traceparent'],
      });
    for (const name of ['first', 'second']) {
      const span = finished(name);
      expect(span.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
      expect(span.links.map((l) => l.context.spanId)).toEqual(['b7ad6b7169203331']);
    }
    await tracing.span('orphan', {}, () => Promise.resolve(), { parent: '00-zz-zz-01' });
    expect(finished('orphan').parentSpanContext).toBeUndefined();
    expect(finished('orphan').spanContext().traceId).not.toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it('records a failure, rethrows it and still ends the span (async and sync throws)', async () => {
    const tracing = started.tracing;
    await expect(
      tracing.span('rejects', {}, () => Promise.reject(new Error('no luck'))),
    ).rejects.toThrow('no luck');
    await expect(
      tracing.span('throws', {}, () => {
        throw new Error('at once');
      }),
    ).rejects.toThrow('at once');
    expect(finished('rejects').status).toEqual({ code: SpanStatusCode.ERROR, message: 'no luck' });
    expect(finished('throws').status).toEqual({ code: SpanStatusCode.ERROR, message: 'at once' });
    expect(finished('rejects').events.map((e) => e.name)).toEqual(['exception']);
  });

  it('runs work in an open span that ends when its caller says, with late attributes', async () => {
    const tracing = started.tracing;
    const span = tracing.open('HTTP GET', { 'http.request.method': 'GET' });
    const seen = await span.run(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return { current: tracing.current(), log: tracing.logFields() };
    });
    expect(exporter.getFinishedSpans()).toHaveLength(0); // not ended by the work's end
    span.setAttributes({ 'http.route': '/api/processes/:id' });
    span.end();
    const done = finished('HTTP GET');
    expect(seen.current).toContain(done.spanContext().spanId);
    expect(seen.log).toEqual({
      trace_id: done.spanContext().traceId,
      span_id: done.spanContext().spanId,
    });
    expect(done.attributes).toEqual({
      'http.request.method': 'GET',
      'http.route': '/api/processes/:id',
    });
  });

  it("keeps spans on Baton's log-context store, beside the log fields", async () => {
    const tracing = started.tracing;
    const seen = await withLogContext({ processId: 'p' }, () =>
      tracing.span('stored', {}, async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return { trace: currentTraceContext(), log: currentLogContext(), ids: tracing.logFields() };
      }),
    );
    const span = finished('stored');
    expect(trace.getSpan(seen.trace as Context)?.spanContext().spanId).toBe(
      span.spanContext().spanId,
    );
    expect(seen.log).toEqual({ processId: 'p' });
    expect(seen.ids).toEqual({
      trace_id: span.spanContext().traceId,
      span_id: span.spanContext().spanId,
    });
  });
});
