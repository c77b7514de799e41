/**
 * A TCP proxy in front of a service that cuts the first connection in the middle of an SSE
 * message, after `dropAfterMessages` whole ones: a network that drops a live stream. Later
 * connections pass untouched. Each request's head is kept, to check what a client resent.
 */
import net from 'node:net';
import { AddressInfo } from 'node:net';

export interface DroppingProxy {
  url: string;
  /** The request line and headers of every connection, in order. */
  requests: string[];
  drops: number;
  close(): Promise<void>;
}

export const startDroppingProxy = async (
  target: string,
  dropAfterMessages: number,
): Promise<DroppingProxy> => {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const proxy: DroppingProxy = { url: '', requests: [], drops: 0, close: async () => undefined };
  let connections = 0;
  const server = net.createServer((client) => {
    const index = connections++;
    const upstream = net.connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    let head = '';
    client.on('data', (chunk) => {
      if (!head.includes('\r\n\r\n')) {
        head += chunk.toString('latin1');
        if (head.includes('\r\n\r\n')) proxy.requests[index] = head.split('\r\n\r\n')[0];
      }
      upstream.write(chunk);
    });
    let seen = '';
    upstream.on('data', (chunk: Buffer) => {
      if (index > 0) return void client.write(chunk);
      seen += chunk.toString('latin1');
      const ids = [...seen.matchAll(/\nid: /g)];
      if (ids.length <= dropAfterMessages) return void client.write(chunk);
      // Forward up to a few bytes into the next message, then cut both sides.
      const cut = ids[dropAfterMessages].index + 6 - (seen.length - chunk.length);
      client.write(chunk.subarray(0, Math.max(0, cut)));
      proxy.drops += 1;
      client.destroy();
      upstream.destroy();
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
};
