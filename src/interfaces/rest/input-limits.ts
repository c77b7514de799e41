/**
 * Input limits per route: body size and JSON shape (depth, string length, items). Routes say
 * what they need with `@InputLimits(...)`; the rest get the operator defaults. Every refusal is
 * a 413 or 400 before any handler runs, so nothing is written.
 *
 * A guard, not an interceptor: it only ever refuses, and the mere presence of one global
 * interceptor makes Nest run every request through an RxJS pipeline and an AsyncResource bind
 * per interceptor (about 7% of the server's CPU under the bench). Registered after the
 * authentication guard, so the order of answers is as before: 401/403 first, then 413/400.
 */
import {
  CanActivate,
  ExecutionContext,
  Injectable,
  PayloadTooLargeException,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import {
  JsonLimits,
  OPERATOR_JSON_LIMITS,
  jsonLimitProblem,
} from '../../application/forms/json-limits';
import { ValidationError } from '../../domain/errors';
import { isBatonHandler } from '../auth/access';

export interface RouteInputLimits extends JsonLimits {
  bodyBytes: number;
}

/** Callbacks and progress reports (read raw by their controller). */
export const CALLBACK_BODY_LIMIT_BYTES = 1024 * 1024;
/** The most any parsed JSON body may be; routes declare less. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

export const DEFAULT_ROUTE_LIMITS: RouteInputLimits = {
  ...OPERATOR_JSON_LIMITS,
  bodyBytes: 64 * 1024,
};

const INPUT_LIMITS_METADATA = 'baton:input-limits';

export const InputLimits = (limits: Partial<RouteInputLimits>) =>
  SetMetadata(INPUT_LIMITS_METADATA, limits);

/** Set by the JSON parser: the body's size in bytes as received. */
export type MeasuredRequest = Request & { bodyBytes?: number };

const describeBytes = (bytes: number): string =>
  bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;

@Injectable()
export class InputLimitsGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http' || !isBatonHandler(context.getClass())) return true;
    const limits: RouteInputLimits = {
      ...DEFAULT_ROUTE_LIMITS,
      ...this.reflector.getAllAndOverride<Partial<RouteInputLimits> | undefined>(
        INPUT_LIMITS_METADATA,
        [context.getHandler(), context.getClass()],
      ),
    };
    const req = context.switchToHttp().getRequest<MeasuredRequest>();
    if ((req.bodyBytes ?? 0) > limits.bodyBytes)
      throw new PayloadTooLargeException(
        `Request body exceeds the ${describeBytes(limits.bodyBytes)} limit of this route`,
      );
    const problem = jsonLimitProblem(req.body, limits);
    if (problem) throw new ValidationError(`Request body refused: ${problem}`);
    return true;
  }
}
