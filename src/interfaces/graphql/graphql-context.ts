/**
 * What every resolver gets. It carries the request that asked (the HTTP request, or for a
 * subscription the WebSocket upgrade request and the client's `connectionParams`), so that
 * authentication can be applied to GraphQL exactly as to REST.
 */
import { IncomingMessage } from 'node:http';

export interface GraphqlContext {
  /** The HTTP request; for a subscription, the WebSocket upgrade request. */
  req: IncomingMessage;
  /** What the graphql-ws client sent in `connection_init` (subscriptions only). */
  connectionParams?: Readonly<Record<string, unknown>>;
  /**
   * A query's context lives for one request; a subscription's for as long as it runs, so what
   * it reads must not be remembered from one change to the next.
   */
  transport: 'http' | 'websocket';
}

export const httpContext = ({ req }: { req: IncomingMessage }): GraphqlContext => ({
  req,
  transport: 'http',
});

/** graphql-ws hands over its connection context (`ctx.extra.request` is the upgrade request). */
export const websocketContext = (ctx: {
  connectionParams?: Readonly<Record<string, unknown>>;
  extra: unknown;
}): GraphqlContext => ({
  req: (ctx.extra as { request: IncomingMessage }).request,
  connectionParams: ctx.connectionParams ?? {},
  transport: 'websocket',
});
