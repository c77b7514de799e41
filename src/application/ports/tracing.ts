/**
 * Distributed tracing, as the application sees it: run work in a span, and know the current
 * span as a W3C `traceparent` (to store with events and send to runners and receivers). The
 * OpenTelemetry adapter lives in infrastructure; when tracing is off, `noTracing` runs the work
 * directly, so the hot path pays one function call and nothing else.
 */
import { LogContext, withLogContext } from '../observability/log-context';

export type SpanAttributes = Record<string, string | number | boolean>;

export interface SpanOptions {
  /** Start the span in this trace (a W3C traceparent) instead of the current one. */
  parent?: string;
  /** Other traces this span is about (W3C traceparents), e.g. the process a callback is for. */
  links?: string[];
}

/** The span a piece of work runs in, for what is only known at its end (a request's route). */
export interface SpanHandle {
  setAttributes(attributes: SpanAttributes): void;
}

/**
 * A span whose end the caller decides (an HTTP request ends when its response closes, not when
 * a function returns): `run` makes it current for the work started inside, `end` closes it.
 * Cheaper than `span` for that case: no promise is made only to wait for the end.
 */
export interface OpenSpan extends SpanHandle {
  /** Runs `work` with this span current, and with `log` as the log fields when given. */
  run<T>(work: () => T, log?: LogContext): T;
  end(): void;
}

export interface Tracing {
  readonly enabled: boolean;
  span<T>(
    name: string,
    attributes: SpanAttributes,
    work: (span: SpanHandle) => Promise<T>,
    options?: SpanOptions,
  ): Promise<T>;
  /** Starts a span that the caller ends (see OpenSpan). */
  open(name: string, attributes: SpanAttributes, options?: SpanOptions): OpenSpan;
  /** The current span as a W3C traceparent; undefined when there is none (or tracing is off). */
  current(): string | undefined;
  /** Adds links to the current span (an incoming callback's request, to its process's trace). */
  linkCurrent(traceparents: string[]): void;
  /** `trace_id` and `span_id` of the current span for log lines; empty when there is none. */
  logFields(): Record<string, string>;
}

const noSpan: OpenSpan = {
  setAttributes: () => undefined,
  run: (work, log) => (log === undefined ? work() : withLogContext(log, work)),
  end: () => undefined,
};

export const noTracing: Tracing = {
  enabled: false,
  span: (_name, _attributes, work) => work(noSpan),
  open: () => noSpan,
  current: () => undefined,
  linkCurrent: () => undefined,
  logFields: () => ({}),
};

export const TRACING = Symbol('Tracing');
