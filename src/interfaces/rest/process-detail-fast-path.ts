/**
 * Status polls are most of the requests a busy instance answers (12 per process in the bench):
 * the process detail, unchanged or not. Through Express's router and Nest's pipeline (a walk
 * over every registered route, guards, pipes, the handler's promise chain) a poll cost about
 * 390 µs of server CPU; this middleware answers the plain poll, `GET /api/processes/{uuid}`
 * without a query string, itself.
 *
 * It sits behind the request deadline, the request id and log context, helmet and CORS, so the
 * answer carries the same headers and log lines as before. It answers only what it is sure of:
 * a caller whose credential verifies and whose role reaches the route's declared role (read
 * from the controller's own `@Roles`, so the two cannot drift apart), and a detail the query
 * returned. Anything else (no or a bad credential, too small a role, an unknown process, a
 * store error, a long poll) goes on to the regular route, which answers it as it always has.
 * With tracing on, the request's span is already open (request tracing runs before this), so
 * the poll keeps its span either way; this names the route on it.
 */
import { INestApplication } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { NextFunction, Request, Response } from 'express';
import { GetProcessQuery } from '../../application/queries/process-queries';
import { hasRole } from '../../domain/access/roles';
import { Access, ACCESS_METADATA, AuthenticatedRequest } from '../auth/access';
import { Authenticator } from '../auth/authenticator';
import { sendDetail } from './process-detail-response';
import { nameAnsweredRoute } from './request-tracing';
import { WritePriority } from './write-priority';
import { ProcessesController } from './processes.controller';

const PLAIN_POLL =
  /^\/api\/processes\/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The pattern of the route this answers for (ProcessesController's `@Get(':id')`). */
const DETAIL_ROUTE = '/api/processes/:id';

/** The role the detail route declares; a route without one would be admin-only (fail closed). */
const detailAccess = (): Access =>
  (Reflect.getMetadata(ACCESS_METADATA, ProcessesController.prototype.detail) as
    Access | undefined) ?? { role: 'admin' };

export const processDetailFastPath = (
  app: INestApplication,
  priority: WritePriority,
): ((req: Request, res: Response, next: NextFunction) => void) => {
  const authenticator = app.get(Authenticator, { strict: false });
  const queries = app.get(QueryBus, { strict: false });
  const access = detailAccess();
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' || !PLAIN_POLL.test(req.url)) return next();
    void answer(req, res, authenticator, queries, access, priority).then(
      (answered) => answered || next(),
      () => next(),
    );
  };
};

/** True when answered; false (nothing written) when the regular route must answer. */
const answer = async (
  req: AuthenticatedRequest,
  res: Response,
  authenticator: Authenticator,
  queries: QueryBus,
  access: Access,
  priority: WritePriority,
): Promise<boolean> => {
  if (!('public' in access)) {
    const actor = await authenticator.authenticate(req.headers);
    if (!actor || !hasRole(actor, access.role)) return false;
    req.actor = actor;
  }
  // After the writes in flight (bounded): it then reports what they did.
  await priority.turn();
  const id = req.url.slice('/api/processes/'.length);
  const detail = await queries.execute(new GetProcessQuery(id));
  if (res.headersSent) return true;
  nameAnsweredRoute(res, DETAIL_ROUTE);
  sendDetail(req, res, detail);
  return true;
};
