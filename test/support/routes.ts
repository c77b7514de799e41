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
