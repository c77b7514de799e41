/**
 * A TCP proxy in front of PostgreSQL that lets each connection's start-up through, but holds
 * back the ReadyForQuery that completes it, and everything the server sends after it, until the
 * test hands it all over in ONE write. The client then parses the end of its start-up and what
 * came next in the same socket read, as a busy client does when the server is quick: with
 * release() after the server has stopped, that read ends with "terminating connection due to
 * administrator command", the window in which a pooled client had no 'error' listener.
 */
import * as net from 'node:net';
import { throughPort } from './tcp-proxy';

const READY_FOR_QUERY = 0x5a; // 'Z'

interface Held {
  chunks: Buffer[];
  client: net.Socket;
  /** Settles when the server has closed its side. */
  serverClosed: Promise<void>;
}

export interface StartupHoldingProxy {
  /** A connection string like `connectionString` but through this proxy (TCP). */
  through(connectionString: string): string;
  /** Resolves once `count` connections have completed their start-up and are being held. */
  holding(count: number, timeoutMs?: number): Promise<void>;
  /**
   * Waits until the server has closed every held connection, then gives each client all that
   * its server sent since the start-up in one write, and closes it.
   */
  releaseAfterServerClosed(): Promise<void>;
  close(): Promise<void>;
}

export const startStartupHoldingProxy = async (target: {
  host: string;
  port: number;
}): Promise<StartupHoldingProxy> => {
  const sockets = new Set<net.Socket>();
  const held: Held[] = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', closeBoth);
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    client.on('end', () => upstream.end());

    let unparsed = Buffer.alloc(0);
    let hold: Held | undefined;
    const serverClosed = new Promise<void>((resolve) => upstream.once('close', () => resolve()));
    upstream.on('error', () => (hold === undefined ? closeBoth() : undefined));
    upstream.on('end', () => {
      if (hold === undefined) client.end();
    });
    upstream.on('data', (chunk: Buffer) => {
      if (hold !== undefined) {
        hold.chunks.push(chunk);
        return;
      }
      // Forward whole messages (type byte, int32 length including itself) up to the first
      // ReadyForQuery; hold that one and the rest.
      unparsed = Buffer.concat([unparsed, chunk]);
      let offset = 0;
      while (unparsed.length - offset >= 5) {
        const size = 1 + unparsed.readInt32BE(offset + 1);
        if (unparsed.length - offset < size) break;
        if (unparsed[offset] === READY_FOR_QUERY) {
          hold = { chunks: [unparsed.subarray(offset)], client, serverClosed };
          held.push(hold);
          break;
        }
        client.write(unparsed.subarray(offset, offset + size));
        offset += size;
      }
      unparsed = hold === undefined ? unparsed.subarray(offset) : Buffer.alloc(0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    through: (connectionString) => throughPort(connectionString, port),
    holding: async (count, timeoutMs = 10_000) => {
      for (const started = Date.now(); held.length < count;) {
        if (Date.now() - started > timeoutMs) {
          throw new Error(`${held.length} of ${count} connections reached their start-up's end`);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    releaseAfterServerClosed: async () => {
      await Promise.all(held.map((h) => h.serverClosed));
      for (const h of held.splice(0)) {
        h.client.write(Buffer.concat(h.chunks));
        h.client.end();
      }
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
