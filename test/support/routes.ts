/**
 * Every HTTP route of a running Nest app, from Nest's own metadata (DiscoveryService), with the
 * access it declares: what the route-access test checks and what the fuzz tests walk.
 */
import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { Access, ACCESS_METADATA } from '../../src/interfaces/auth/access';

export interface Route {
  method: string;
  /** Express-style path, e.g. /api/processes/:id */
  path: string;
  controller: string;
  handler: string;
  /** What the route (or its controller) declares; undefined = nothing (admin by default). */
  access: Access | undefined;
}

const join = (...parts: Array<string | string[] | undefined>): string =>
  `/${parts
    .map((p) => (Array.isArray(p) ? p[0] : p) ?? '')
    .join('/')
    .split('/')
    .filter((s) => s.length > 0)
    .join('/')}`;

export const listRoutes = (app: INestApplication): Route[] => {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const routes: Route[] = [];
  for (const wrapper of discovery.getControllers()) {
    const { instance, metatype } = wrapper;
    if (!instance || !metatype) continue;
    const prototype = Object.getPrototypeOf(instance);
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      const method: RequestMethod | undefined = Reflect.getMetadata(METHOD_METADATA, handler);
      if (method === undefined) continue;
      routes.push({
        method: RequestMethod[method],
        path: join(
          Reflect.getMetadata(PATH_METADATA, metatype),
          Reflect.getMetadata(PATH_METADATA, handler),
        ),
        controller: metatype.name,
        handler: name,
        access:
          Reflect.getMetadata(ACCESS_METADATA, handler) ??
          Reflect.getMetadata(ACCESS_METADATA, metatype),
      });
    }
  }
  return routes;
};

export interface GraphqlOperation {
  /** `Query.processes`, `Subscription.processChanged`, … */
  name: string;
  resolver: string;
  handler: string;
  access: Access | undefined;
}

const RESOLVER_TYPE_METADATA = 'graphql:resolver_type';
const RESOLVER_NAME_METADATA = 'graphql:resolver_name';
const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'];

/**
 * Every root GraphQL field (query, mutation, subscription) of a running app, from the resolvers'
 * metadata. The guard runs on these; nested fields are only reachable through them.
 */
export const listGraphqlOperations = (app: INestApplication): GraphqlOperation[] => {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const operations: GraphqlOperation[] = [];
  for (const wrapper of discovery.getProviders()) {
    const { instance, metatype } = wrapper;
    if (!instance || !metatype || typeof instance !== 'object') continue;
    const prototype = Object.getPrototypeOf(instance);
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      const rootType: unknown = Reflect.getMetadata(RESOLVER_TYPE_METADATA, handler);
      if (typeof rootType !== 'string' || !ROOT_TYPES.includes(rootType)) continue;
      operations.push({
        name: `${rootType}.${Reflect.getMetadata(RESOLVER_NAME_METADATA, handler) ?? name}`,
        resolver: (metatype as { name: string }).name,
        handler: name,
        access:
          Reflect.getMetadata(ACCESS_METADATA, handler) ??
          Reflect.getMetadata(ACCESS_METADATA, metatype),
      });
    }
  }
  return operations;
};
