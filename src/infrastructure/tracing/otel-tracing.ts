/**
 * Tracing through the official OpenTelemetry SDK. `startTracing` starts the Node SDK with only
 * traces (metrics stay on prom-client, logs on pino) and no auto-instrumentation: Baton makes
 * its own spans where they mean something (request, command, drive, step, append). The W3C
 * propagator reads and writes `traceparent`, stored with each event so that any instance, at
 * any later time, can continue a process's trace.
 */
import {
  Context,
  Link,
  ROOT_CONTEXT,
  SpanStatusCode,
  Tracer,
  context,
  isSpanContextValid,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanAttributes, SpanHandle, SpanOptions, Tracing } from '../../application/ports/tracing';

const propagator = new W3CTraceContextPropagator();

const getter = {
  get: (carrier: Record<string, string>, key: string) => carrier[key],
  keys: (carrier: Record<string, string>) => Object.keys(carrier),
};

/** The context a W3C traceparent stands for (root when it is malformed). */
export const contextOf = (traceparent: string, base: Context = ROOT_CONTEXT): Context =>
  propagator.extract(base, { traceparent }, getter);

export class OtelTracing implements Tracing {
  readonly enabled = true;

  constructor(private readonly tracer: Tracer) {}

  span<T>(
    name: string,
    attributes: SpanAttributes,
    work: (span: SpanHandle) => Promise<T>,
    options: SpanOptions = {},
  ): Promise<T> {
    const parent = options.parent ? contextOf(options.parent) : context.active();
    const links = (options.links ?? []).flatMap(linkTo);
    return this.tracer.startActiveSpan(name, { attributes, links }, parent, async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  current(): string | undefined {
    const carrier: Record<string, string> = {};
    propagator.inject(context.active(), carrier, {
      set: (c, key, value) => {
        c[key] = value;
      },
    });
    return carrier.traceparent;
  }

  linkCurrent(traceparents: string[]): void {
    const span = trace.getActiveSpan();
    if (span) span.addLinks(traceparents.flatMap(linkTo));
  }

  logFields(): Record<string, string> {
    const spanContext = trace.getActiveSpan()?.spanContext();
    if (!spanContext || !isSpanContextValid(spanContext)) return {};
    return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
  }
}

const linkTo = (traceparent: string): Link[] => {
  const spanContext = trace.getSpanContext(contextOf(traceparent));
  return spanContext && isSpanContextValid(spanContext) ? [{ context: spanContext }] : [];
};

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
