import * as net from 'node:net';

/** Asks the OS for a port nobody listens on (racy, but fine for one benchmark run at a time). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port assigned')),
      );
    });
  });
}
