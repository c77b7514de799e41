/**
 * GraphQL at /api/graphql: queries over HTTP (Apollo Server on Express 5) and subscriptions
 * over WebSocket with the graphql-ws protocol, on the same path and port. Schema code-first
 * from the resolvers. Both transports apply the same query limits and error formatting.
 */
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { GraphQLModule, GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import { ServerOptions } from 'graphql-ws';
import { GraphQLError, GraphQLSchema, parse, validate } from 'graphql';
import { Authenticator } from '../auth/authenticator';
import { LiveStreamQuota, quotaExceeded, ReleaseStream } from '../live-stream-quota';
import { accessStatusPlugin, authenticateConnection } from './graphql-auth';
import { formatGraphqlError, formatGraphqlErrors } from './graphql-errors';
import { httpContext, WebsocketExtra, websocketContext } from './graphql-context';
import { queryLimitErrors, queryLimitsPlugin } from './query-limits';
import { ProcessChangesResolver } from './resolvers/process-changes.resolver';
import {
  ProcessFieldsResolver,
  ProcessHeaderFieldsResolver,
  WorkflowFieldsResolver,
} from './resolvers/process-fields.resolver';
import { ReadQueriesResolver } from './resolvers/read-queries.resolver';
import { JsonScalar, TimestampScalar } from './types/scalars';

export const GRAPHQL_PATH = '/api/graphql';

export const GRAPHQL_RESOLVERS = [
  ReadQueriesResolver,
  ProcessHeaderFieldsResolver,
  ProcessFieldsResolver,
  WorkflowFieldsResolver,
  ProcessChangesResolver,
];

interface SubscribePayload {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * graphql-ws parses and validates by itself, but knows nothing of the query limits: do all
 * three here, and hand it the arguments to run.
 */
const checkSubscription = (schema: GraphQLSchema, payload: SubscribePayload) => {
  let document;
  try {
    document = parse(payload.query);
  } catch (error) {
    const syntax = error as GraphQLError;
    return [
      new GraphQLError(syntax.message, {
        source: syntax.source,
        positions: syntax.positions,
        extensions: { code: 'GRAPHQL_PARSE_FAILED' },
      }),
    ];
  }
  const invalid = validate(schema, document);
  if (invalid.length > 0) return invalid;
  const limited = queryLimitErrors(schema, document, payload.operationName, payload.variables);
  if (limited.length > 0) return limited;
  return {
    schema,
    document,
    operationName: payload.operationName,
    variableValues: payload.variables,
  };
};

/** The quota slots a graphql-ws connection holds, by operation id; all given back on close. */
type HeldStreams = Map<string, ReleaseStream>;
const heldStreams = (extra: WebsocketExtra & { streams?: HeldStreams }): HeldStreams =>
  (extra.streams ??= new Map());

/**
 * A subscription is a live stream like an SSE one and draws on the same per-credential quota;
 * past it the operation is refused with RATE_LIMITED (the connection stays open).
 */
const takeStreamSlot = (
  quota: LiveStreamQuota,
  extra: WebsocketExtra,
  id: string,
): GraphQLError[] | null => {
  const release = quota.take(extra.actor?.name ?? '');
  if (!release)
    return [new GraphQLError(quotaExceeded(quota.limit), { extensions: { code: 'RATE_LIMITED' } })];
  heldStreams(extra).set(id, release);
  return null;
};

/** Gives back the slot of operation `id`, or (the connection closed) every slot it holds. */
const releaseStreamSlot = (extra: WebsocketExtra, id?: string): void => {
  const held = heldStreams(extra);
  const ids = id === undefined ? [...held.keys()] : [id];
  for (const heldId of ids) {
    held.get(heldId)?.();
    held.delete(heldId);
  }
};

/** Nest passes these on to graphql-ws' useServer as they are; its type lists only a few. */
const graphqlWsOptions = (
  schema: () => GraphQLSchema,
  authenticator: () => Authenticator,
  quota: () => LiveStreamQuota,
): GraphQLWsSubscriptionsConfig => {
  const options: Partial<ServerOptions> & { path: string } = {
    path: GRAPHQL_PATH,
    onConnect: authenticateConnection(authenticator),
    context: websocketContext,
    onSubscribe: (ctx, id, payload) => {
      const checked = checkSubscription(schema(), payload);
      if (Array.isArray(checked)) return checked;
      return takeStreamSlot(quota(), ctx.extra as WebsocketExtra, id) ?? checked;
    },
    onComplete: (ctx, id) => releaseStreamSlot(ctx.extra as WebsocketExtra, id),
    onClose: (ctx) => releaseStreamSlot(ctx.extra as WebsocketExtra),
    onError: (_ctx, _id, _payload, errors) => formatGraphqlErrors(errors),
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors ? { ...result, errors: formatGraphqlErrors(result.errors) } : result,
  };
  return options as GraphQLWsSubscriptionsConfig;
};

export const graphqlApiModule = (): DynamicModule => {
  // Known once Nest has built the schema; only subscriptions need it by hand.
  let schema: GraphQLSchema | undefined;
  return GraphQLModule.forRootAsync<ApolloDriverConfig>({
    driver: ApolloDriver,
    // The Authenticator belongs to the app module; looked up when the first connection opens.
    inject: [ModuleRef],
    useFactory: (modules: ModuleRef) => ({
      path: GRAPHQL_PATH,
      autoSchemaFile: true,
      sortSchema: true,
      transformSchema: (built: GraphQLSchema) => (schema = built),
      resolvers: { JSON: JsonScalar, Timestamp: TimestampScalar },
      playground: false,
      introspection: true,
      includeStacktraceInErrorResponses: false,
      autoTransformHttpErrors: false,
      formatError: formatGraphqlError,
      plugins: [queryLimitsPlugin, accessStatusPlugin],
      // Nest would reset every executed answer to 200; a refused credential must stay a 401.
      preserveHttpStatusForExecutionErrors: false,
      context: httpContext,
      subscriptions: {
        'graphql-ws': graphqlWsOptions(
          () => schema!,
          () => modules.get(Authenticator, { strict: false }),
          () => modules.get(LiveStreamQuota, { strict: false }),
        ),
      },
    }),
  });
};
