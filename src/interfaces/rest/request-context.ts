import { Request } from 'express';
import { randomUUID } from 'node:crypto';

/**
 * Who acts and which request this is. Until authentication lands, the actor is whatever the
 * `X-Baton-User` header says (trimmed, at most 100 characters) or "anonymous".
 */
export interface RequestContext {
  actor: string;
  correlationId: string;
  /** `Idempotency-Key`: a retried request with the same key gets the first one's answer. */
  idempotencyKey?: string;
}

const header = (req: Request, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, 100) : undefined;
};

export const requestContext = (req: Request): RequestContext => ({
  actor: header(req, 'x-baton-user') ?? 'anonymous',
  correlationId: header(req, 'x-correlation-id') ?? randomUUID(),
  idempotencyKey: header(req, 'idempotency-key'),
});
