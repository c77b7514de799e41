import { PayloadTooLargeException } from '@nestjs/common';
import { Request } from 'express';

/** A request whose body a parser already read: its bytes, as they came. */
export type RawBodyRequest = Request & { rawBody?: Buffer };

/** Where a body read before the host application's parser could see it is kept. */
const EARLY_BODY = Symbol('batonEarlyBody');
type EarlyRead = Request & { [EARLY_BODY]?: Promise<Buffer> };

/**
 * In a host application (BatonModule) a JSON parser runs before Baton's routes and would consume
 * a callback's body, whose exact bytes decide what a re-delivery is. This middleware, installed
 * ahead of that parser, reads callback bodies first; once a body is read the parser skips it.
 */
export const readCallbackBodyEarly =
  (isCallback: (req: Request) => boolean, limit: number) =>
  (req: Request, _res: unknown, next: () => void): void => {
    if (req.method !== 'POST' || !isCallback(req)) return next();
    const early = readStream(req, limit);
    (req as EarlyRead)[EARLY_BODY] = early;
    early.then(
      () => next(),
      () => next(), // the route answers the refusal (413), counted like any other
    );
  };

/** Reads the request body as bytes, refusing (413) as soon as it passes the limit. */
export const readRawBody = (req: Request, limit: number): Promise<Buffer> =>
  (req as EarlyRead)[EARLY_BODY] ?? readStream(req, limit);

const readStream = (req: Request, limit: number): Promise<Buffer> =>
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
