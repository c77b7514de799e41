import { UnauthorizedException } from '@nestjs/common';
import { Actor } from '../../domain/access/roles';
import { AuthenticatedRequest } from '../auth/access';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../../application/commands/idempotency';
import { ValidationError } from '../../domain/errors';
import { correlationIdOf } from './correlation-id';

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

/**
 * The request's Idempotency-Key, whole: one that is too long is refused rather than cut, since
 * two keys cut to the same prefix would be taken for one.
 */
const idempotencyKeyOf = (req: AuthenticatedRequest): string | undefined => {
  const raw = req.headers['idempotency-key'];
  const key = typeof raw === 'string' ? raw.trim() : undefined;
  if (!key) return undefined;
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH)
    throw new ValidationError(
      `Idempotency-Key must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
    );
  return key;
};

export const requestContext = (req: AuthenticatedRequest): RequestContext => {
  // Only a route declared public has no actor, and such a route must not act as anyone.
  if (!req.actor) throw new UnauthorizedException('Authentication required');
  return {
    actor: req.actor,
    correlationId: correlationIdOf(req),
    idempotencyKey: idempotencyKeyOf(req),
  };
};
