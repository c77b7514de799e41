/**
 * Which process (and which request or drive) the code running now works for, so every log line
 * can carry it without each call site passing it along. Log adapters read `currentLogContext`;
 * the runner and the HTTP layer set it around the work they start.
 *
 * The same store also holds the trace context while tracing is on (opaque here: the tracing
 * adapter's context manager reads and sets it). One AsyncLocalStorage instead of two: each one
 * enabled costs a property copy on every promise and async resource the process makes, whether
 * or not a span is near.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface LogContext {
  processId?: string;
  correlationId?: string;
}

interface Ambient {
  readonly log: LogContext | undefined;
  readonly trace: unknown;
}

const storage = new AsyncLocalStorage<Ambient>();

/** Runs `work` with these log fields; the trace context in force stays in force. */
export const withLogContext = <T>(context: LogContext, work: () => T): T =>
  storage.run({ log: context, trace: storage.getStore()?.trace }, work);

export const currentLogContext = (): LogContext | undefined => storage.getStore()?.log;

/** The trace context in force (undefined outside every traced piece of work). */
export const currentTraceContext = (): unknown => storage.getStore()?.trace;

/** Runs `work` (with its arguments) in a trace context; the log fields in force stay in force. */
export const withTraceContext = <A extends unknown[], R>(
  trace: unknown,
  work: (...args: A) => R,
  ...args: A
): R => storage.run({ log: storage.getStore()?.log, trace }, work, ...args);

/**
 * Runs `work` with these log fields and this trace context, in one scope: a traced request
 * would otherwise open two (its log fields, then its span), each a store object and a scope
 * switch that every async resource made inside inherits.
 */
export const withLogAndTraceContext = <T>(log: LogContext, trace: unknown, work: () => T): T =>
  storage.run({ log, trace }, work);

/**
 * Makes a trace context current for the rest of the running async chain (the SDK's experimental
 * `attach`); the returned function puts the previous one back.
 */
export const enterTraceContext = (trace: unknown): (() => void) => {
  const previous = storage.getStore();
  storage.enterWith({ log: previous?.log, trace });
  return () => storage.enterWith(previous ?? { log: undefined, trace: undefined });
};
