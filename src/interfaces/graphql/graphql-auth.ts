/**
 * Authentication for GraphQL. Queries go through the global AuthGuard like any REST route (it
 * reads `req` from the GraphQL context); this file adds what GraphQL needs beyond that:
 * subscriptions authenticate once, when the graphql-ws connection opens, and an answer refused
 * for want of a credential gets the HTTP status REST would give (401, 403), not 200.
 */
import { ApolloServerPlugin } from '@apollo/server';
import { IncomingHttpHeaders } from 'node:http';
import { Context } from 'graphql-ws';
import { Authenticator, presentedCredential } from '../auth/authenticator';
import { WebsocketExtra } from './graphql-context';

/**
 * `connectionParams` as headers, names lower-cased: clients send `{Authorization: 'Bearer …'}`
 * or `{'X-API-Key': …}` there, since a browser cannot set headers on a WebSocket.
 */
const paramsAsHeaders = (
  params: Readonly<Record<string, unknown>> | undefined,
): IncomingHttpHeaders => {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  return headers;
};

/**
 * graphql-ws `onConnect`: the credential in `connectionParams` (or, for clients that can set
 * them, in the upgrade request's headers) must verify, or the connection is closed with 4403
 * before any subscription starts. Who it is stays with the connection for the guard's role check.
 */
export const authenticateConnection =
  (authenticator: () => Authenticator) =>
  async (ctx: Context<Record<string, unknown> | undefined, unknown>): Promise<boolean> => {
    const extra = ctx.extra as WebsocketExtra;
    const fromParams = paramsAsHeaders(ctx.connectionParams);
    const headers = presentedCredential(fromParams) !== null ? fromParams : extra.request.headers;
    const actor = await authenticator().authenticate(headers);
    if (!actor) return false;
    extra.actor = actor;
    closeAtExpiry(extra, actor.validUntil);
    return true;
  };

/** graphql-ws's close code for a refused credential: the client must authenticate again. */
const FORBIDDEN = 4403;

/** A connection authenticates once, so it must not outlive the token it did that with. */
const closeAtExpiry = (extra: WebsocketExtra, validUntil: number | undefined): void => {
  const socket = extra.socket;
  if (validUntil === undefined || !socket) return;
  const timer = setTimeout(
    () => socket.close(FORBIDDEN, 'Forbidden: token expired'),
    Math.max(0, validUntil - Date.now()),
  );
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
};

/**
 * Access is decided per request, not per field: if any field was refused for want of a
 * credential (or a role), the whole answer carries that status, as a REST route would.
 */
export const accessStatusPlugin: ApolloServerPlugin = {
  requestDidStart: async () => ({
    willSendResponse: async ({ response }) => {
      if (response.body.kind !== 'single') return;
      const codes = (response.body.singleResult.errors ?? []).map((e) => e.extensions?.code);
      const status = codes.includes('UNAUTHENTICATED')
        ? 401
        : codes.includes('FORBIDDEN')
          ? 403
          : undefined;
      if (status) response.http.status = status;
    },
  }),
};
