/**
 * The CLI's HTTP client: where a request goes (a path prefix in --url is kept), what a refusal
 * and a network failure become (exit 1 with the service's words, exit 4), and that the key
 * travels only in the Authorization header, never in a message.
 */
import { ApiClient } from '../../src/interfaces/cli/api-client';
import { CliFailure, ExitCode } from '../../src/interfaces/cli/exit-codes';

const KEY = 'unit-test-key-4f9a2c';

const recording = (answer: () => Promise<Response>) => {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetcher = ((url: URL, init: RequestInit) => {
    calls.push({ url: url.href, init });
    return answer();
  }) as unknown as typeof fetch;
  return { calls, fetcher };
};

const failureOf = async (work: Promise<unknown>): Promise<CliFailure> => {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliFailure);
  return error as CliFailure;
};

describe('ApiClient', () => {
  it('keeps a path prefix of the URL, sends the query, the key as a bearer token and JSON', async () => {
    const { calls, fetcher } = recording(async () => Response.json({ id: 'p1' }, { status: 201 }));
    const client = new ApiClient({ url: 'https://ops.example/baton', key: KEY }, fetcher);
    expect(
      await client.call('POST', '/api/processes/x', {
        body: { a: 1 },
        query: { q: 'a b', n: undefined },
      }),
    ).toEqual({ id: 'p1' });
    expect(calls[0].url).toBe('https://ops.example/baton/api/processes/x?q=a+b');
    expect(calls[0].init.headers).toMatchObject({
      authorization: `Bearer ${KEY}`,
      'content-type': 'application/json',
    });
    expect(calls[0].init.body).toBe('{"a":1}');
  });

  it('turns a refusal into exit code 1 with the status, message and each invalid field', async () => {
    const { fetcher } = recording(async () =>
      Response.json(
        {
          statusCode: 400,
          error: 'Bad Request',
          message: 'Invalid initial input',
          validationErrors: [
            { property: 'vlan', constraints: { max: 'vlan must not be greater than 4094' } },
          ],
        },
        { status: 400 },
      ),
    );
    const failure = await failureOf(
      new ApiClient({ url: 'http://b.test', key: KEY }, fetcher).call('POST', '/api/processes/x'),
    );
    expect(failure.exitCode).toBe(ExitCode.Refused);
    expect(failure.message).toBe(
      'POST /api/processes/x: 400 Bad Request: Invalid initial input\n  vlan: vlan must not be greater than 4094',
    );
  });

  it('says when the answer is not JSON, as from something that is not Baton', async () => {
    const { fetcher } = recording(async () => new Response('<html>', { status: 200 }));
    const failure = await failureOf(
      new ApiClient({ url: 'http://b.test' }, fetcher).get('/api/processes'),
    );
    expect(failure).toMatchObject({
      exitCode: ExitCode.Refused,
      message: expect.stringContaining('is http://b.test a Baton service?'),
    });
  });

  it('turns a network failure into exit code 4 and masks the key even if an error carries it', async () => {
    const { fetcher } = recording(() =>
      Promise.reject(
        new TypeError('fetch failed', { cause: { message: `proxy said no to ${KEY}` } }),
      ),
    );
    const failure = await failureOf(
      new ApiClient({ url: 'http://b.test:8080', key: KEY }, fetcher).get('/x'),
    );
    expect(failure).toMatchObject({
      exitCode: ExitCode.Unreachable,
      message: 'cannot reach Baton at http://b.test:8080: proxy said no to ***',
    });
  });

  it('refuses a URL that is not http(s) as a usage error', () => {
    for (const url of ['localhost:8080', 'ftp://b.test', 'not a url']) {
      let error: unknown;
      try {
        new ApiClient({ url }, fetch);
      } catch (e) {
        error = e;
      }
      expect({ url, code: (error as CliFailure).exitCode }).toEqual({ url, code: ExitCode.Usage });
    }
  });
});
