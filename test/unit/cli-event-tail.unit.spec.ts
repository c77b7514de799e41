/**
 * `events tail --follow` against a scripted fetch: a dropped stream is resumed with
 * Last-Event-ID; a service that stays away ends the command with exit code 4 after the
 * configured reconnects; a first connection that fails is not retried; a refusal is exit 1.
 */
import { ApiClient } from '../../src/interfaces/cli/api-client';
import { FeedEventJson, followUntilStopped } from '../../src/interfaces/cli/event-tail';
import { CliFailure, ExitCode } from '../../src/interfaces/cli/exit-codes';

const sse = (positions: number[]): string =>
  positions
    .map((p) => `id: ${p}\nevent: E\ndata: ${JSON.stringify({ position: p, type: 'E' })}\n\n`)
    .join('');

const streamOf = (text: string): Response =>
  new Response(new TextEncoder().encode(text), {
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
  });

const refused = () =>
  Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }));

/** A fetch that answers each call with the next script entry and records the headers sent. */
const scripted = (script: Array<() => Promise<Response>>) => {
  const sent: Array<Record<string, string>> = [];
  const fetcher = ((_url: URL, init: RequestInit) => {
    sent.push(init.headers as Record<string, string>);
    const next = script.shift();
    return next ? next() : refused();
  }) as unknown as typeof fetch;
  return { sent, fetcher };
};

const follow = (fetcher: typeof fetch, count: number | undefined, maxReconnects = 2) => {
  const printed: number[] = [];
  const notices: string[] = [];
  const run = followUntilStopped(
    new ApiClient({ url: 'http://baton.test', key: 'k-secret' }, fetcher),
    {
      after: 3,
      count,
      maxReconnects,
      onEvent: (e: FeedEventJson) => printed.push(e.position),
      onNotice: (text) => notices.push(text),
    },
  );
  return { run, printed, notices };
};

describe('followUntilStopped', () => {
  it('resumes after the last whole event with Last-Event-ID and prints each event once', async () => {
    const { sent, fetcher } = scripted([
      async () => streamOf(sse([5, 8]) + 'id: 9\ndata: {"posi'),
      async () => streamOf(sse([8, 9, 11])), // a server that resends 8 is not believed
    ]);
    const { run, printed, notices } = follow(fetcher, 4);
    await run;
    expect(printed).toEqual([5, 8, 9, 11]);
    expect(sent[0]['last-event-id']).toBeUndefined();
    expect(sent[1]['last-event-id']).toBe('8');
    expect(sent.every((h) => h.authorization === 'Bearer k-secret')).toBe(true);
    expect(notices).toEqual([
      'connection lost (the service closed the stream); reconnecting after position 8 in 250 ms',
    ]);
  });

  it('gives up with exit code 4 after the configured failed reconnects, never naming the key', async () => {
    const { fetcher } = scripted([async () => streamOf(sse([5]))]);
    const { run, printed, notices } = follow(fetcher, undefined, 2);
    const failure = (await run.catch((e: unknown) => e)) as CliFailure;
    expect(failure).toBeInstanceOf(CliFailure);
    expect(failure.exitCode).toBe(ExitCode.Unreachable);
    expect(failure.message).toBe(
      'gave up after 2 failed reconnects: cannot reach Baton at http://baton.test: ECONNREFUSED',
    );
    expect(printed).toEqual([5]);
    expect(notices.map((n) => n.replace(/^connection lost \(.*?\); /, ''))).toEqual([
      'reconnecting after position 5 in 250 ms',
      'reconnecting after position 5 in 250 ms',
      'reconnecting after position 5 in 500 ms',
    ]);
    expect(notices.join('\n')).not.toContain('k-secret');
  });

  it('does not retry a first connection that fails, and stops at a refusal', async () => {
    const down = follow(scripted([]).fetcher, undefined);
    await expect(down.run).rejects.toMatchObject({ exitCode: ExitCode.Unreachable });
    expect(down.notices).toEqual([]);

    const forbidden = scripted([
      async () =>
        new Response(JSON.stringify({ statusCode: 403, error: 'Forbidden', message: 'no role' }), {
          status: 403,
        }),
    ]);
    await expect(follow(forbidden.fetcher, undefined).run).rejects.toMatchObject({
      exitCode: ExitCode.Refused,
      message: 'GET /api/events: 403 Forbidden: no role (the key lacks the role)',
    });
  });
});
