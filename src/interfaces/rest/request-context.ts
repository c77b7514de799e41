import { UnauthorizedException } from '@nestjs/common';
import { Actor } from '../../domain/access/roles';
import { AuthenticatedRequest } from '../auth/access';
import { correlationIdOf, header } from './correlation-id';

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

export const requestContext = (req: AuthenticatedRequest): RequestContext => {
  // Only a route declared public has no actor, and such a route must not act as anyone.
  if (!req.actor) throw new UnauthorizedException('Authentication required');
  return {
    actor: req.actor,
    correlationId: correlationIdOf(req),
    idempotencyKey: header(req, 'idempotency-key'),
  };
};
