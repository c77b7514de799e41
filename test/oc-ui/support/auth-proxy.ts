/**
 * The reverse proxy a deployment puts in front of orchestrator-ui and Baton, reduced to what the
 * test needs: one origin for the browser, `/oc/api/…` (requests and the events websocket) to
 * Baton with Baton's credential added, everything else to the UI's Next.js server. A real one
 * (nginx with auth_request, oauth2-proxy, …) first signs the user in; here every browser request
 * counts as that user's. Whatever credential the browser sent is replaced, never passed on.
 */
import http from 'node:http';
import net from 'node:net';
import { Duplex } from 'node:stream';

export interface AuthProxy {
  url: string;
  /** Requests sent on to Baton, as `METHOD path` (the websocket as `UPGRADE path`). */
  readonly toBaton: string[];
  close(): Promise<void>;
}

interface Upstreams {
  baton: URL;
  ui: URL;
  /** Baton API key sent as `Authorization: Bearer`. */
  apiKey: string;
}

const BATON_PREFIX = '/oc/api';

export const startAuthProxy = async ({ baton, ui, apiKey }: Upstreams): Promise<AuthProxy> => {
  const toBaton: string[] = [];
  const route = (path: string | undefined) => {
    const p = path ?? '/';
    const isBaton = p === BATON_PREFIX || p.startsWith(`${BATON_PREFIX}/`);
    return { isBaton, target: isBaton ? baton : ui };
  };
  const headersFor = (req: http.IncomingMessage, target: URL, isBaton: boolean) => {
    const headers: http.OutgoingHttpHeaders = { ...req.headers, host: target.host };
    delete headers.authorization;
    delete headers['x-api-key'];
    if (isBaton) headers.authorization = `Bearer ${apiKey}`;
    return headers;
  };

  const server = http.createServer((req, res) => {
    const { isBaton, target } = route(req.url);
    if (isBaton) toBaton.push(`${req.method} ${req.url}`);
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: headersFor(req, target, isBaton),
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${target.host} unreachable: ${error.message}`);
    });
    req.pipe(upstream);
  });

  const sockets = new Set<Duplex>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: http.IncomingMessage, client: Duplex, head: Buffer) => {
    const { isBaton, target } = route(req.url);
    if (isBaton) toBaton.push(`UPGRADE ${req.url}`);
    const upstream = net.connect(Number(target.port), target.hostname, () => {
      const headers = headersFor(req, target, isBaton);
      const lines = Object.entries(headers).flatMap(([name, value]) =>
        ([] as Array<string | number>).concat(value ?? []).map((v) => `${name}: ${v}`),
      );
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', end);
    client.on('error', end);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    toBaton,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};
