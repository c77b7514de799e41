import * as http from 'node:http';

/**
 * Minimal JSON over HTTP/1.1 with keep-alive. Node's own http module rather than fetch: it costs
 * the load generator less CPU, which matters when it shares two cores with the servers.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * The admin key every Baton the benchmarks start accepts (API_KEYS holds its hash); sent with
 * every request, which the other engines ignore and Baton's callback URLs do not need.
 */
export const BENCH_API_KEY = 'bench-admin-key-not-secret-0123456789abcdef';

export interface JsonResponse {
  status: number;
  body: unknown;
  etag?: string;
}

export async function requestJson(
  method: string,
  url: string,
  body?: unknown,
  timeoutMs = 30_000,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  try {
    return await sendOnce(method, url, payload, timeoutMs, headers);
  } catch (error) {
    // A pooled socket the server closed while it sat idle fails the next request sent on it
    // before the server reads a byte (Node's docs describe this race). Sent again once on a
    // fresh socket; anything else is the engine's answer and is reported as is.
    if (!(error instanceof StaleSocketError)) throw error;
    return sendOnce(method, url, payload, timeoutMs, headers);
  }
}

/** ECONNRESET on a reused keep-alive socket before any response arrived. */
class StaleSocketError extends Error {}

function sendOnce(
  method: string,
  url: string,
  payload: Buffer | undefined,
  timeoutMs: number,
  headers: Record<string, string>,
): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method,
        agent,
        timeout: timeoutMs,
        headers: {
          authorization: `Bearer ${BENCH_API_KEY}`,
          ...headers,
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': payload.length }
            : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text.length > 0 ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text, the caller decides
          }
          const etag = response.headers.etag;
          resolve({ status: response.statusCode ?? 0, body: parsed, ...(etag ? { etag } : {}) });
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${method} ${url} timed out`)));
    request.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        request.reusedSocket && error.code === 'ECONNRESET'
          ? new StaleSocketError(`${method} ${url}: ${error.message} on a reused socket`)
          : error,
      ),
    );
    request.end(payload);
  });
}

/** Reads a JSON request body (the fake remote and the peers' thin HTTP fronts). */
export function readJsonBody(request: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text.length > 0 ? JSON.parse(text) : {});
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

export function sendJson(response: http.ServerResponse, status: number, body?: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `probe` resolves true, or throws after `timeoutMs` naming what it waited for. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
