/**
 * Every route says who may call it: `@Public()` (the callback URLs, whose token is their
 * credential, and health probes) or `@Roles('auditor' | 'operator' | 'admin')`, the least role
 * that may. A route that says nothing is admin-only, so a forgotten declaration fails closed.
 */
import { SetMetadata } from '@nestjs/common';
import { Request } from 'express';
import { Actor, BuiltInRole } from '../../domain/access/roles';

export type Access = { public: true } | { role: BuiltInRole };

export const ACCESS_METADATA = 'baton:access';
export const DEFAULT_ACCESS: Access = { role: 'admin' };

/**
 * Marks Baton's own controllers and resolvers. The guard and the input limits are global, and in
 * a host application (BatonModule) they must leave the host's own routes alone.
 */
export const BATON_HANDLER_METADATA = 'baton:handler';
export const isBatonHandler = (handlerClass: object): boolean =>
  Reflect.getMetadata(BATON_HANDLER_METADATA, handlerClass) === true;

export const Public = () => SetMetadata(ACCESS_METADATA, { public: true } satisfies Access);
export const Roles = (role: BuiltInRole) => SetMetadata(ACCESS_METADATA, { role } satisfies Access);

/** The request once the guard let it through: who is calling (absent on public routes). */
export type AuthenticatedRequest = Request & { actor?: Actor };
