/**
 * A small client for the REST API, used by int and e2e tests alike. It authenticates as the test
 * admin (every test app accepts TEST_KEYS) unless told to use another key, or none.
 */
import { TEST_KEYS } from './auth';

export interface Answer<T = any> {
  status: number;
  body: T;
  headers?: Headers;
}

export interface CallOptions {
  /** API key to send as `Authorization: Bearer`; null sends no credential. Default: admin. */
  key?: string | null;
  /** Give up (the promise rejects with a TimeoutError) when no answer came within this. */
  timeoutMs?: number;
}

const hasCredential = (headers: Record<string, string>): boolean =>
  Object.keys(headers).some((h) => ['authorization', 'x-api-key'].includes(h.toLowerCase()));

export const L2VPN_INPUT = {
  customer: 'ACME',
  vlan: 100,
  site_a: 'ams-r1',
  interface_a: 'xe-0/0/1',
  site_b: 'lon-r2',
  interface_b: 'xe-0/0/2',
};

/** The raw answer, for tests that look at headers or non-JSON bodies (authenticated like `call`). */
export const request = (
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  options: CallOptions = {},
): Promise<Response> => {
  const raw =
    typeof body === 'string' || body === undefined || Buffer.isBuffer(body)
      ? body
      : JSON.stringify(body);
  const key = options.key === undefined ? TEST_KEYS.admin : options.key;
  const credential: Record<string, string> =
    key === null || hasCredential(headers) ? {} : { authorization: `Bearer ${key}` };
  return fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...credential, ...headers },
    body: raw as string | Buffer | undefined,
    ...(options.timeoutMs ? { signal: AbortSignal.timeout(options.timeoutMs) } : {}),
  });
};

export const call = async (
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  options: CallOptions = {},
): Promise<Answer> => {
  const response = await request(method, url, body, headers, options);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // keep text
  }
  const answer: Answer = { status: response.status, body: parsed };
  // Not enumerable: tests compare answers with toEqual({status, body}).
  Object.defineProperty(answer, 'headers', { value: response.headers, enumerable: false });
  return answer;
};

/** A client for one Baton; `key` as in CallOptions (default: the test admin). */
export const api = (base: string, key?: string | null) => ({
  start: (workflow: string, input: unknown) =>
    call('POST', `${base}/api/processes/${workflow}`, input, {}, { key }),
  detail: (id: string) => call('GET', `${base}/api/processes/${id}`, undefined, {}, { key }),
  events: (id: string) => call('GET', `${base}/api/processes/${id}/events`, undefined, {}, { key }),
  resume: (id: string, input: unknown = {}) =>
    call('PUT', `${base}/api/processes/${id}/resume`, input, {}, { key }),
  retry: (id: string) => call('PUT', `${base}/api/processes/${id}/retry`, undefined, {}, { key }),
  abort: (id: string, reason?: string) =>
    call('PUT', `${base}/api/processes/${id}/abort`, reason ? { reason } : {}, {}, { key }),
  /** Callbacks carry no API key: the token in the URL is their credential. */
  callback: (callbackUrl: string, payload: unknown, headers: Record<string, string> = {}) =>
    call('POST', callbackUrl, payload, headers, { key: null }),
  /** Waits until the runner's action has handed out the callback URL and returned. */
  awaitingCallback(id: string) {
    return this.waitFor(id, (d) => d.status === 'awaiting_callback' && d.callback?.actionCompleted);
  },
  /** Polls the detail until `until` holds, failing with the last detail seen. */
  async waitFor(id: string, until: (detail: any) => boolean, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    let last: Answer | undefined;
    while (Date.now() < deadline) {
      last = await call('GET', `${base}/api/processes/${id}`, undefined, {}, { key });
      if (last.status === 200 && until(last.body)) return last.body;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(
      `process ${id} did not reach the expected state: ${JSON.stringify(last?.body).slice(0, 2000)}`,
    );
  },
});

export const SUCCESS = { job_id: 'j1', output: 'ok', return_code: 0, status: 'successful' };
export const FAILURE = { job_id: 'j1', output: 'fatal', return_code: 2, status: 'failed' };
