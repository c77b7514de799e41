import * as net from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that counts the statements a client sends, whatever its
 * driver: simple-protocol Query ('Q') and extended-protocol Execute ('E') messages. It does not
 * buffer or alter traffic; it only reads message headers as the bytes pass by.
 */
export interface CountingProxy {
  port: number;
  statements(): number;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSS_ENC_REQUEST = 80877104;

/** Follows one client→server byte stream and reports each message type it sees. */
class FrontendMessageCounter {
  private startupDone = false;
  private header = Buffer.alloc(0);
  private skip = 0;

  constructor(private readonly onMessage: (type: string) => void) {}

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - offset);
        this.skip -= n;
        offset += n;
        continue;
      }
      // Untyped startup-phase messages need 8 bytes (length + code); typed ones need 5.
      const need = this.startupDone ? 5 : 8;
      const take = Math.min(need - this.header.length, chunk.length - offset);
      this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + take)]);
      offset += take;
      if (this.header.length < need) continue;
      if (this.startupDone) {
        this.onMessage(String.fromCharCode(this.header[0]));
        this.skip = this.header.readInt32BE(1) - 4;
      } else {
        const code = this.header.readInt32BE(4);
        // After SSL/GSS negotiation requests another startup message follows.
        if (code !== SSL_REQUEST && code !== GSS_ENC_REQUEST) this.startupDone = true;
        this.skip = this.header.readInt32BE(0) - 8;
      }
      this.header = Buffer.alloc(0);
    }
  }
}

export function startCountingProxy(targetPort: number): Promise<CountingProxy> {
  let statements = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    const counter = new FrontendMessageCounter((type) => {
      if (type === 'Q' || type === 'E') statements += 1;
    });
    client.on('data', (chunk: Buffer) => {
      counter.push(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      resolve({
        port: address.port,
        statements: () => statements,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
