/**
 * What every resolver gets. It carries the request that asked (the HTTP request, or for a
 * subscription the WebSocket upgrade request and the client's `connectionParams`), so that
 * authentication is applied to GraphQL exactly as to REST: the global AuthGuard reads `req`
 * (over HTTP) or the `actor` the connection authenticated as (over WebSocket).
 */
import { Response } from 'express';
import { IncomingMessage } from 'node:http';
import { Actor } from '../../domain/access/roles';

export interface GraphqlContext {
  /** The HTTP request; for a subscription, the WebSocket upgrade request. */
  req: IncomingMessage;
  /** The HTTP response (queries only): where the guard sets `WWW-Authenticate`. */
  res?: Response;
  /** What the graphql-ws client sent in `connection_init` (subscriptions only). */
  connectionParams?: Readonly<Record<string, unknown>>;
  /**
   * Subscriptions only: who the connection authenticated as in `connection_init` (browsers
   * cannot set headers on a WebSocket, so the credential comes in `connectionParams`).
   */
  actor?: Actor;
  /**
   * A query's context lives for one request; a subscription's for as long as it runs, so what
   * it reads must not be remembered from one change to the next.
   */
  transport: 'http' | 'websocket';
}

export const httpContext = ({
  req,
  res,
}: {
  req: IncomingMessage;
  res: Response;
}): GraphqlContext => ({
  req,
  res,
  transport: 'http',
});

/** What a graphql-ws connection keeps: the upgrade request, and who it authenticated as. */
export interface WebsocketExtra {
  request: IncomingMessage;
  /** The connection itself (a `ws` WebSocket): closed when its credential expires. */
  socket?: {
    close(code?: number, reason?: string): void;
    once(event: 'close', listener: () => void): unknown;
  };
  actor?: Actor;
}

/** graphql-ws hands over its connection context (`ctx.extra.request` is the upgrade request). */
export const websocketContext = (ctx: {
  connectionParams?: Readonly<Record<string, unknown>>;
  extra: unknown;
}): GraphqlContext => {
  const extra = ctx.extra as WebsocketExtra;
  return {
    req: extra.request,
    connectionParams: ctx.connectionParams ?? {},
    actor: extra.actor,
    transport: 'websocket',
  };
};
