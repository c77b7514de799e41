/**
 * Outbound JSON over Node's own http/https modules, with keep-alive connections. Each step that
 * calls a runner makes one such request; through `fetch` (undici and web streams) it cost the
 * bench's server about 3% of its CPU, several times what a plain request costs. A step must
 * never hang a process: every request has a deadline (10 s by default, as orchestrator-core's
 * example uses), and the step's own signal aborts it too.
 */
import http from 'node:http';
import https from 'node:https';
import { HttpClient } from '../../application/ports/http-client';

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/** What the remote answered: JSON when it parses, else the text (so a failure can show it). */
const parsed = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
};

export const nodeHttpClient = (timeoutMs = 10_000): HttpClient => ({
  post(url, body, options = {}) {
    let target: URL;
    try {
      target = new URL(url);
    } catch (error) {
      return Promise.reject(error as Error); // as fetch does: a rejection, never a throw
    }
    const transport =
      target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
    if (!transport) return Promise.reject(new TypeError(`unsupported URL protocol: ${url}`));
    const payload = Buffer.from(JSON.stringify(body) ?? '');
    return new Promise((resolve, reject) => {
      const request = transport.request(target, {
        method: 'POST',
        agent: agents[target.protocol as keyof typeof agents],
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          accept: 'application/json',
          'content-length': payload.length,
        },
        signal: options.signal,
      });
      const deadline = setTimeout(
        () => request.destroy(new Error(`POST ${target.origin} timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      request.once('close', () => clearTimeout(deadline));
      request.once('error', reject);
      request.once('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('error', reject);
        response.once('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: parsed(Buffer.concat(chunks).toString('utf8')),
          }),
        );
      });
      request.end(payload);
    });
  },
});
