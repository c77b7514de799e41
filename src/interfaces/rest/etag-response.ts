/**
 * JSON answers of the read models with a strong ETag: a hash of the exact bytes sent, so equal
 * bodies and only equal bodies share a tag, and a client that sends it back in If-None-Match
 * gets 304 without a body.
 */
import { createHash } from 'node:crypto';
import { Request, Response } from 'express';

export const strongEtag = (body: Buffer): string =>
  `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;

export const matchesEtag = (req: Request, etag: string): boolean => {
  const header = req.headers['if-none-match'];
  if (header === undefined) return false;
  return header.trim() === '*' || header.split(/\s*,\s*/).includes(etag);
};

export const sendJsonWithEtag = (req: Request, res: Response, value: unknown): void => {
  const json = Buffer.from(JSON.stringify(value));
  const etag = strongEtag(json);
  if (matchesEtag(req, etag)) {
    res.writeHead(304, { ETag: etag }).end();
    return;
  }
  res
    .writeHead(200, {
      ETag: etag,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': json.length,
    })
    .end(json);
};
