/** A small client for the REST API, used by int and e2e tests alike. */
export interface Answer<T = any> {
  status: number;
  body: T;
}

export const L2VPN_INPUT = {
  customer: 'ACME',
  vlan: 100,
  site_a: 'ams-r1',
  interface_a: 'xe-0/0/1',
  site_b: 'lon-r2',
  interface_b: 'xe-0/0/2',
};

/** The raw answer, for tests that look at headers or non-JSON bodies. */
export const request = (
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> => {
  const raw = typeof body === 'string' || body === undefined ? body : JSON.stringify(body);
  return fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  });
};

export const call = async (
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> => {
  const response = await request(method, url, body, headers);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // keep text
  }
  return { status: response.status, body: parsed };
};

export const api = (base: string) => ({
  start: (workflow: string, input: unknown) =>
    call('POST', `${base}/api/processes/${workflow}`, input),
  detail: (id: string) => call('GET', `${base}/api/processes/${id}`),
  events: (id: string) => call('GET', `${base}/api/processes/${id}/events`),
  resume: (id: string, input: unknown = {}) =>
    call('PUT', `${base}/api/processes/${id}/resume`, input),
  retry: (id: string) => call('PUT', `${base}/api/processes/${id}/retry`),
  abort: (id: string, reason?: string) =>
    call('PUT', `${base}/api/processes/${id}/abort`, reason ? { reason } : {}),
  callback: (callbackUrl: string, payload: unknown) => call('POST', callbackUrl, payload),
  /** Waits until the runner's action has handed out the callback URL and returned. */
  awaitingCallback(id: string) {
    return this.waitFor(id, (d) => d.status === 'awaiting_callback' && d.callback?.actionCompleted);
  },
  /** Polls the detail until `until` holds, failing with the last detail seen. */
  async waitFor(id: string, until: (detail: any) => boolean, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    let last: Answer | undefined;
    while (Date.now() < deadline) {
      last = await call('GET', `${base}/api/processes/${id}`);
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
