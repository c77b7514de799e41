import { PayloadTooLargeException } from '@nestjs/common';
import { Request } from 'express';

/** A request whose body a parser already read: its bytes, as they came. */
export type RawBodyRequest = Request & { rawBody?: Buffer };

/** Reads the request body as bytes, refusing (413) as soon as it passes the limit. */
export const readRawBody = (req: Request, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    // Already read (by a parser, or nothing to read): waiting for 'end' would wait forever.
    if (req.readableEnded) {
      const raw = (req as RawBodyRequest).rawBody ?? Buffer.alloc(0);
      if (raw.length > limit)
        return reject(new PayloadTooLargeException('Request body exceeds the 1 MiB limit'));
      return resolve(raw);
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume(); // drain so the connection can answer
      return reject(new PayloadTooLargeException('Request body exceeds the 1 MiB limit'));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new PayloadTooLargeException('Request body exceeds the 1 MiB limit'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    // A client that stops sending: the request deadline answers it and closes the socket.
    req.on('close', () => {
      if (!req.complete) reject(new Error('client went away before the body was complete'));
    });
  });
