/**
 * Keeps a page current without reload. Follows the service's event feed (`GET /api/events` as
 * server-sent events) when it has one, read through fetch so the API key travels in a header;
 * without the feed it polls about once a second.
 */
import { useEffect, useRef } from 'react';
import { authHeaders } from './api';
import { afterQuiet, throttle } from './throttle';

const POLL_MS = 1000;
/**
 * A last refetch this long after the feed's last event (see afterQuiet). Longer than the
 * server's READ_MAX_AGE_MS (1 s, src/application/process/process-loader.ts): a refetch answered
 * from a cached fold that had not yet seen the newest event is followed by one the server
 * answers after asking its store, so the page settles on what the store has.
 */
const SETTLE_MS = 1_250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const headPosition = async (): Promise<number | null> => {
  try {
    const res = await fetch('/health', { cache: 'no-store' });
    const body = (await res.json()) as { headPosition?: unknown };
    return typeof body.headPosition === 'number' ? body.headPosition : null;
  } catch {
    return null;
  }
};

/**
 * Reads the SSE stream until it ends. Returns 'absent' when the service has no feed (the caller
 * polls instead), else the last position seen so a reconnect resumes after it.
 */
const followFeed = async (
  after: number,
  processId: string | undefined,
  onEvent: () => void,
  signal: AbortSignal,
): Promise<'absent' | number> => {
  const query = new URLSearchParams({ after: String(after) });
  if (processId) query.set('processId', processId);
  const res = await fetch(`/api/events?${query}`, {
    headers: { accept: 'text/event-stream', ...authHeaders() },
    signal,
  });
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok || !type.includes('text/event-stream') || !res.body) return 'absent';
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let last = after;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return last;
    buffer += value;
    const messages = buffer.split(/\r?\n\r?\n/);
    buffer = messages.pop() ?? '';
    for (const message of messages) {
      const id = /^id:\s*(\d+)/m.exec(message);
      if (id) last = Number(id[1]);
      if (/^data:/m.test(message)) onEvent();
    }
  }
};

/**
 * Calls `refresh` when the feed reports a change: at once after a quiet spell, then at most once
 * per `minIntervalMs` however many events arrive (a burst of progress lines, or a busy system's
 * feed on the list page), with one last call after the burst so the page ends current, and one
 * more once the feed has been quiet for SETTLE_MS (a refetch can be answered a moment stale).
 */
export const useLiveRefresh = (
  refresh: () => void,
  processId?: string,
  { minIntervalMs = 150 }: { minIntervalMs?: number } = {},
) => {
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    const controller = new AbortController();
    const throttled = throttle(() => latest.current(), minIntervalMs);
    const settle = afterQuiet(() => latest.current(), Math.max(SETTLE_MS, minIntervalMs));
    const trigger = () => {
      throttled();
      settle();
    };
    const poll = async () => {
      while (!controller.signal.aborted) {
        await sleep(POLL_MS);
        if (!controller.signal.aborted) latest.current();
      }
    };
    const follow = async () => {
      let after = await headPosition();
      if (after === null) return poll();
      while (!controller.signal.aborted) {
        const result: number | 'absent' | null = await followFeed(
          after,
          processId,
          trigger,
          controller.signal,
        ).catch(() => null);
        if (result === 'absent') return poll();
        if (typeof result === 'number') after = result;
        if (controller.signal.aborted) return;
        await sleep(POLL_MS); // the stream dropped: catch up, then reconnect
        latest.current();
      }
    };
    void follow();
    return () => {
      controller.abort();
      throttled.cancel();
      settle.cancel();
    };
  }, [processId, minIntervalMs]);
};
