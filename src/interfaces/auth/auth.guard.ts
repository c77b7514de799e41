import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Response } from 'express';
import { Actor, hasRole } from '../../domain/access/roles';
import {
  Access,
  ACCESS_METADATA,
  AuthenticatedRequest,
  DEFAULT_ACCESS,
  isBatonHandler,
} from './access';
import { Authenticator } from './authenticator';

/**
 * Global guard: authenticates the caller and checks the route's declared access. 401 (with
 * `WWW-Authenticate`) without a credential that verifies, 403 with one whose roles do not reach.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!isBatonHandler(context.getClass())) return true; // a host application's own route
    const access =
      this.reflector.getAllAndOverride<Access | undefined>(ACCESS_METADATA, [
        context.getHandler(),
        context.getClass(),
      ]) ?? DEFAULT_ACCESS;
    if ('public' in access) return true;
    const { req, res, connectedAs } = requestOf(context);
    if (!req) return false; // a transport this guard does not know: closed
    const actor = connectedAs ?? (await this.authenticator.authenticate(req.headers));
    if (!actor) {
      res?.setHeader?.('WWW-Authenticate', 'Bearer realm="baton"');
      throw new UnauthorizedException('Authentication required: send an API key or a bearer token');
    }
    if (!hasRole(actor, access.role))
      throw new ForbiddenException(`This needs the ${access.role} role`);
    req.actor = actor;
    return true;
  }
}

interface GuardedRequest {
  req?: AuthenticatedRequest;
  res?: Response;
  /** A GraphQL subscription's caller, authenticated when its WebSocket connection opened. */
  connectedAs?: Actor;
}

/**
 * HTTP routes, and resolvers whose context carries `{req, res}` (GraphQL over HTTP) or
 * `{req, actor}` (GraphQL over WebSocket: `req` is the upgrade request, which a browser cannot
 * give credentials to, so the connection authenticates from its `connectionParams` instead).
 */
const requestOf = (context: ExecutionContext): GuardedRequest => {
  if (context.getType() === 'http') {
    const http = context.switchToHttp();
    return { req: http.getRequest<AuthenticatedRequest>(), res: http.getResponse<Response>() };
  }
  const graphContext = context.getArgByIndex(2) as
    { req?: AuthenticatedRequest; res?: Response; actor?: Actor } | undefined;
  return { req: graphContext?.req, res: graphContext?.res, connectedAs: graphContext?.actor };
};
