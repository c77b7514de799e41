/**
 * Which process (and which request or drive) the code running now works for, so every log line
 * can carry it without each call site passing it along. Log adapters read `currentLogContext`;
 * the runner and the HTTP layer set it around the work they start.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface LogContext {
  processId?: string;
  correlationId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

export const withLogContext = <T>(context: LogContext, work: () => T): T =>
  storage.run(context, work);

export const currentLogContext = (): LogContext | undefined => storage.getStore();
