/**
 * Tracing through the official OpenTelemetry SDK. `startTracing` starts the Node SDK with only
 * traces (metrics stay on prom-client, logs on pino) and no auto-instrumentation: Baton makes
 * its own spans where they mean something (request, command, drive, step, append). The W3C
 * propagator reads and writes `traceparent`, stored with each event so that any instance, at
 * any later time, can continue a process's trace.
 */
import {
  Context,
  INVALID_TRACEID,
  Link,
  Span,
  SpanContext,
  SpanStatusCode,
  TraceFlags,
  Tracer,
  isSpanContextValid,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  OpenSpan,
  SpanAttributes,
  SpanHandle,
  SpanOptions,
  Tracing,
} from '../../application/ports/tracing';
import {
  LogContext,
  currentTraceContext,
  withLogAndTraceContext,
  withTraceContext,
} from '../../application/observability/log-context';
import { AmbientContextManager } from './ambient-context-manager';
import { LinkedContext } from './linked-context';
import { PooledIdGenerator } from './pooled-id-generator';

const propagator = new W3CTraceContextPropagator();

const getter = {
  get: (carrier: Record<string, string>, key: string) => carrier[key],
  keys: (carrier: Record<string, string>) => Object.keys(carrier),
};

/**
 * Parsed traceparents. A process's traceparent is read again for each drive, command and link
 * of that process, so the parse (a regular expression and a context) is kept; the map is
 * emptied when full rather than tracked per entry, which costs nothing on the way.
 */
const parsed = new Map<string, SpanContext | null>();
const PARSED_MAX = 4096;

/**
 * The traceparent written last and the span context it was written from. A command writes the
 * request's traceparent and links to it at once, and an append writes the one its step or
 * command wrote just before: reading the last one back costs a comparison, not a parse.
 */
let lastWritten: { traceparent: string; spanContext: SpanContext } | undefined;

/** The span context a W3C traceparent stands for; undefined when it is malformed. */
const spanContextOf = (traceparent: string): SpanContext | undefined => {
  if (lastWritten?.traceparent === traceparent) return lastWritten.spanContext;
  let known = parsed.get(traceparent);
  if (known === undefined) {
    const extracted = trace.getSpanContext(
      propagator.extract(LinkedContext.root, { traceparent }, getter),
    );
    known = extracted && isSpanContextValid(extracted) ? extracted : null;
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(traceparent, known);
  }
  return known ?? undefined;
};

/** The context a W3C traceparent stands for (root when it is malformed). */
const contextOf = (traceparent: string): Context => {
  const spanContext = spanContextOf(traceparent);
  return spanContext ? trace.setSpanContext(LinkedContext.root, spanContext) : LinkedContext.root;
};

/**
 * The context in force, read from the log-context store directly: the API's `context.active()`
 * looks the global context manager up (and checks its version) on every call.
 */
const activeContext = (): Context =>
  (currentTraceContext() as Context | undefined) ?? LinkedContext.root;

const linkTo = (traceparent: string): Link[] => {
  const spanContext = spanContextOf(traceparent);
  return spanContext ? [{ context: spanContext }] : [];
};

/** W3C `traceparent` of a span context: version 00, trace id, span id, flags. */
const traceparentOf = (spanContext: SpanContext): string => {
  // A span hands out the same context object for its whole life.
  if (lastWritten?.spanContext === spanContext) return lastWritten.traceparent;
  const traceparent = `00-${spanContext.traceId}-${spanContext.spanId}-${spanContext.traceFlags & TraceFlags.SAMPLED ? '01' : '00'}`;
  lastWritten = { traceparent, spanContext };
  return traceparent;
};

/**
 * The current span's context, unless there is none or it is the invalid one (tracing
 * suppressed). The SDK makes only valid ids and parsed traceparents were checked when parsed,
 * so comparing with the invalid id replaces the validity check's two regular expressions.
 */
const activeSpanContext = (): SpanContext | undefined => {
  const spanContext = trace.getSpan(activeContext())?.spanContext();
  return spanContext && spanContext.traceId !== INVALID_TRACEID ? spanContext : undefined;
};

const failed = (span: Span, error: unknown): void => {
  span.recordException(error as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
};

/** A span its caller ends (a request's): one object, not three closures per request. */
class OpenOtelSpan implements OpenSpan {
  constructor(
    private readonly span: Span,
    private readonly active: Context,
  ) {}

  setAttributes(attributes: SpanAttributes): void {
    this.span.setAttributes(attributes);
  }

  run<T>(work: () => T, log?: LogContext): T {
    return log === undefined
      ? withTraceContext(this.active, work)
      : withLogAndTraceContext(log, this.active, work);
  }

  end(): void {
    this.span.end();
  }
}

/**
 * The SDK's spans, made the short way: `startSpan` and one `context.with`, the span ended by a
 * `then` on the work's promise (startActiveSpan around an async function made two more promises
 * per span, and the traceparent was written through the propagator's carrier and setter).
 */
export class OtelTracing implements Tracing {
  readonly enabled = true;

  constructor(private readonly tracer: Tracer) {}

  span<T>(
    name: string,
    attributes: SpanAttributes,
    work: (span: SpanHandle) => Promise<T>,
    options?: SpanOptions,
  ): Promise<T> {
    const { span, active } = this.start(name, attributes, options);
    let result: Promise<T>;
    try {
      result = withTraceContext(active, work, span);
    } catch (error) {
      failed(span, error);
      span.end();
      return Promise.reject(error as Error);
    }
    return result.then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        failed(span, error);
        span.end();
        throw error;
      },
    );
  }

  open(name: string, attributes: SpanAttributes, options?: SpanOptions): OpenSpan {
    const { span, active } = this.start(name, attributes, options);
    return new OpenOtelSpan(span, active);
  }

  private start(name: string, attributes: SpanAttributes, options?: SpanOptions) {
    const parent = options?.parent === undefined ? activeContext() : contextOf(options.parent);
    const links = options?.links;
    const span = this.tracer.startSpan(
      name,
      links === undefined || links.length === 0
        ? { attributes }
        : { attributes, links: links.flatMap(linkTo) },
      parent,
    );
    return { span, active: trace.setSpan(parent, span) };
  }

  current(): string | undefined {
    const spanContext = activeSpanContext();
    return spanContext && traceparentOf(spanContext);
  }

  linkCurrent(traceparents: string[]): void {
    const span = trace.getSpan(activeContext());
    if (span) span.addLinks(traceparents.flatMap(linkTo));
  }

  logFields(): Record<string, string> {
    const spanContext = activeSpanContext();
    if (!spanContext) return {};
    return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
  }
}

export interface TracingSetup {
  serviceName: string;
  instanceId: string;
  /** OTLP/HTTP traces endpoint; undefined = the SDK's reading of OTEL_EXPORTER_OTLP_*. */
  endpoint?: string;
  /** Instead of the OTLP exporter (tests: an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
}

export interface StartedTracing {
  tracing: OtelTracing;
  /** Flushes what is buffered and stops the SDK. */
  shutdown(): Promise<void>;
}

export const startTracing = (setup: TracingSetup): StartedTracing => {
  const sdk = new NodeSDK({
    serviceName: setup.serviceName,
    resource: resourceFromAttributes({ 'service.instance.id': setup.instanceId }),
    autoDetectResources: false,
    // The trace context rides on Baton's log-context store: one AsyncLocalStorage, not two.
    contextManager: new AmbientContextManager(),
    idGenerator: new PooledIdGenerator(),
    spanProcessors: setup.spanProcessors ?? [
      new BatchSpanProcessor(new OTLPTraceExporter(setup.endpoint ? { url: setup.endpoint } : {})),
    ],
    // Metrics stay on prom-client and logs on pino: the SDK makes traces only.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  return {
    tracing: new OtelTracing(trace.getTracer('baton')),
    shutdown: () => sdk.shutdown(),
  };
};
