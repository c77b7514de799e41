/**
 * POSTs deliveries with node:http(s), not fetch, for one reason: the `lookup` hook sees the
 * address a connection is actually about to use, so a receiver name re-pointed at a metadata
 * address after the subscription was made is refused at connect time (DNS rebinding). No
 * redirects are followed. The receiver's body is read and dropped: only its status matters,
 * and its text must not end up in views or logs.
 */
import { LookupFunction } from 'node:net';
import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import {
  WebhookRequest,
  WebhookResponse,
  WebhookTransport,
} from '../../application/ports/webhook-store';
import { refusedAddress, refusedHostName } from './receiver-addresses';

const guardedLookup: LookupFunction = (hostname, options, callback) => {
  const named = refusedHostName(hostname);
  if (named) return callback(new Error(`receiver refused: ${named}`), '', 4);
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 4);
    const list = addresses as unknown as Array<{ address: string; family: number }>;
    const bad = list.map((a) => refusedAddress(a.address)).find((why) => why !== null);
    if (bad) return callback(new Error(`receiver refused: ${bad}`), '', 4);
    if ((options as { all?: boolean }).all)
      return (callback as (e: null, a: unknown) => void)(null, list);
    callback(null, list[0].address, list[0].family);
  });
};

export const httpWebhookTransport = (allowLinkLocal: boolean): WebhookTransport => {
  const agents = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };
  return {
    post(request: WebhookRequest): Promise<WebhookResponse> {
      return new Promise((resolve) => {
        let url: URL;
        try {
          url = new URL(request.url);
        } catch {
          return resolve({ kind: 'failed', reason: 'invalid receiver URL' });
        }
        const secure = url.protocol === 'https:';
        const literal = url.hostname.replace(/^\[|\]$/g, '');
        const literalRefusal = allowLinkLocal ? null : refusedAddress(literal);
        if (literalRefusal)
          return resolve({ kind: 'failed', reason: `receiver refused: ${literalRefusal}` });
        let settled = false;
        const finish = (response: WebhookResponse) => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          resolve(response);
        };
        const req = (secure ? https : http).request(url, {
          method: 'POST',
          agent: secure ? agents.https : agents.http,
          headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
          lookup: allowLinkLocal ? undefined : guardedLookup,
          signal: request.signal,
        });
        const deadline = setTimeout(() => {
          finish({ kind: 'failed', reason: `no answer within ${request.timeoutMs} ms` });
          req.destroy();
        }, request.timeoutMs);
        req.on('response', (res) => {
          res.resume(); // drain and drop the body
          finish({ kind: 'answered', statusCode: res.statusCode ?? 0 });
        });
        req.on('error', (error: NodeJS.ErrnoException) =>
          finish({ kind: 'failed', reason: describe(error) }),
        );
        req.end(request.body);
      });
    },
  };
};

/** The reason shown to operators: the error's kind, never anything the receiver sent. */
const describe = (error: NodeJS.ErrnoException): string => {
  if (error.name === 'AbortError') return 'delivery stopped';
  if (error.message.startsWith('receiver refused')) return error.message;
  return error.code ? `connection failed (${error.code})` : `connection failed (${error.message})`;
};
