import { Request } from 'express';
import { correlationIdOf, header } from './correlation-id';

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

export const requestContext = (req: Request): RequestContext => ({
  actor: header(req, 'x-baton-user') ?? 'anonymous',
  correlationId: correlationIdOf(req),
  idempotencyKey: header(req, 'idempotency-key'),
});
