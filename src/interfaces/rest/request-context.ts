import { UnauthorizedException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Actor } from '../../domain/access/roles';
import { AuthenticatedRequest } from '../auth/access';

/**
 * Who acts and which request this is. The actor is the identity the auth guard verified; no
 * header a client sets (the old `X-Baton-User`) can claim to be someone else.
 */
export interface RequestContext {
  actor: Actor;
  correlationId: string;
  /** `Idempotency-Key`: a retried request with the same key gets the first one's answer. */
  idempotencyKey?: string;
}

const header = (req: AuthenticatedRequest, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, 100) : undefined;
};

export const correlationIdOf = (req: AuthenticatedRequest): string =>
  header(req, 'x-correlation-id') ?? randomUUID();

export const requestContext = (req: AuthenticatedRequest): RequestContext => {
  // Only a route declared public has no actor, and such a route must not act as anyone.
  if (!req.actor) throw new UnauthorizedException('Authentication required');
  return {
    actor: req.actor,
    correlationId: correlationIdOf(req),
    idempotencyKey: header(req, 'idempotency-key'),
  };
};
