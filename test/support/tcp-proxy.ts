/**
 * A TCP proxy in front of PostgreSQL that a test controls: it can black-hole chosen
 * connections (nothing more is forwarded either way, and neither side is told), which is what a
 * network partition, a dropped route or a failed-over address look like to a client.
 */
import * as net from 'node:net';

export interface ProxiedConnection {
  /** The proxy's own port towards the server: pg_stat_activity.client_port of the backend. */
  upstreamPort: number;
  blackHoled: boolean;
}

export interface TcpProxy {
  readonly port: number;
  readonly connections: ProxiedConnection[];
  /** A connection string like `connectionString` but through this proxy (TCP). */
  through(connectionString: string): string;
  blackHole(connection: ProxiedConnection): void;
  close(): Promise<void>;
}

export const startTcpProxy = async (target: { host: string; port: number }): Promise<TcpProxy> => {
  const connections: ProxiedConnection[] = [];
  const sockets = new Set<net.Socket>();
  const cutters = new Map<ProxiedConnection, () => void>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const forward = (from: net.Socket, to: net.Socket) => {
      const onData = (chunk: Buffer) => to.write(chunk);
      const onEnd = () => to.end();
      from.on('data', onData).on('end', onEnd);
      return () => from.off('data', onData).off('end', onEnd);
    };
    const stops = [forward(client, upstream), forward(upstream, client)];
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
    upstream.once('connect', () => {
      const connection: ProxiedConnection = {
        upstreamPort: upstream.localPort!,
        blackHoled: false,
      };
      connections.push(connection);
      cutters.set(connection, () => {
        stops.forEach((stop) => stop());
        // Keep reading (and dropping) so neither side sees back-pressure, only silence.
        client.off('error', closeBoth).on('error', () => undefined);
        upstream.off('error', closeBoth).on('error', () => undefined);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    connections,
    through: (connectionString) => throughPort(connectionString, port),
    blackHole: (connection) => {
      connection.blackHoled = true;
      cutters.get(connection)?.();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** Where the embedded test server listens on TCP. */
export const tcpTargetOf = (connectionString: string): { host: string; port: number } => ({
  host: '127.0.0.1',
  port: Number(new URL(connectionString).port),
});

/** `connectionString`, but over TCP to a proxy on this machine's `port`. */
export const throughPort = (connectionString: string, port: number): string => {
  const url = new URL(connectionString);
  url.search = '';
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
};
