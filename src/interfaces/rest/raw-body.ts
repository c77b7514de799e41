import { PayloadTooLargeException } from '@nestjs/common';
import { Request } from 'express';

/** Reads the request body as bytes, refusing (413) as soon as it passes the limit. */
export const readRawBody = (req: Request, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
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
  });
