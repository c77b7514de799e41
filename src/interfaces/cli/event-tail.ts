/**
 * Reading the global event feed from a position: page by page up to the head (`events tail`),
 * or live over SSE (`--follow`), reconnecting after a dropped connection with Last-Event-ID
 * set to the last position printed, so every event is printed exactly once, in order.
 */
import { ApiClient } from './api-client';
import { CliFailure, ExitCode } from './exit-codes';
import { SseParser } from './sse-parser';

export interface FeedEventJson {
  position: number;
  processId: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: { at: string; actor: string };
}

export interface TailOptions {
  after: number;
  processId?: string;
  types?: string[];
  /** Stop after this many events (the follow mode otherwise runs until interrupted). */
  count?: number;
  /** Consecutive failed reconnects before giving up with exit code 4. */
  maxReconnects: number;
  signal?: AbortSignal;
  onEvent(event: FeedEventJson): void;
  /** Reconnects and where reading stopped, for stderr. */
  onNotice(text: string): void;
}

const PAGE_SIZE = 1000;
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5_000;

const pause = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** fetch's errors may come from another realm (a test sandbox): no instanceof Error. */
const messageOf = (error: unknown): string => {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
};

const parseEvent = (data: string): FeedEventJson => {
  try {
    return JSON.parse(data) as FeedEventJson;
  } catch {
    throw new CliFailure(
      ExitCode.Refused,
      `the feed sent an event that is not JSON: ${data.slice(0, 80)}`,
    );
  }
};

const filterQuery = (options: TailOptions) => ({
  processId: options.processId,
  type: options.types && options.types.length > 0 ? options.types.join(',') : undefined,
});

/** Prints what is there now, page by page; returns the position to resume after. */
export const readToHead = async (client: ApiClient, options: TailOptions): Promise<number> => {
  let after = options.after;
  let printed = 0;
  for (;;) {
    const page = await client.get<{ events: FeedEventJson[]; next: number; caughtUp: boolean }>(
      '/api/events',
      { ...filterQuery(options), after, limit: PAGE_SIZE },
    );
    for (const event of page.events) {
      options.onEvent(event);
      printed += 1;
      if (options.count !== undefined && printed >= options.count) return event.position;
    }
    after = page.next;
    if (page.caughtUp || options.signal?.aborted) return after;
  }
};

/**
 * Follows the live stream until `count` events were printed or the signal aborts; each lost
 * connection is reported and resumed after the last printed position.
 */
export const followUntilStopped = async (
  client: ApiClient,
  options: TailOptions,
): Promise<void> => {
  let last: number | null = null;
  let printed = 0;
  let connectedOnce = false;
  let failures = 0;
  while (!options.signal?.aborted) {
    const connection = new AbortController();
    const signal = options.signal
      ? AbortSignal.any([options.signal, connection.signal])
      : connection.signal;
    let reason: string;
    try {
      const response = await client.send('GET', '/api/events', {
        query: { ...filterQuery(options), after: options.after },
        headers: {
          accept: 'text/event-stream',
          ...(last === null ? {} : { 'last-event-id': String(last) }),
        },
        timeoutMs: null,
        signal,
      });
      if (!response.ok) throw await client.refusal('GET', '/api/events', response);
      connectedOnce = true;
      failures = 0;
      const parser = new SseParser();
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        for (const message of parser.push(decoder.decode(chunk, { stream: true }))) {
          const event = parseEvent(message.data);
          // Never twice, even if a server resent what came before the resume point.
          if (last !== null && event.position <= last) continue;
          last = event.position;
          options.onEvent(event);
          printed += 1;
          if (options.count !== undefined && printed >= options.count) {
            connection.abort();
            return;
          }
        }
      }
      reason = 'the service closed the stream';
    } catch (error) {
      // Interrupted, or our own hang-up after the last wanted event (closing the body throws).
      if (options.signal?.aborted || connection.signal.aborted) return;
      const unreachable = error instanceof CliFailure && error.exitCode === ExitCode.Unreachable;
      // A refusal, a broken event, or no service at all on the first try: nothing to resume.
      if (error instanceof CliFailure && (!unreachable || !connectedOnce)) throw error;
      if (unreachable) failures += 1;
      reason = client.scrub(messageOf(error));
      if (failures > options.maxReconnects) {
        throw new CliFailure(
          ExitCode.Unreachable,
          `gave up after ${options.maxReconnects} failed reconnects: ${reason}`,
        );
      }
    }
    const wait = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.max(0, failures - 1));
    options.onNotice(
      `connection lost (${reason}); reconnecting after position ${last ?? options.after} in ${wait} ms`,
    );
    await pause(wait, options.signal);
  }
};
