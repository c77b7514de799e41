import { Controller, HttpCode, Param, PayloadTooLargeException, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { ReceiveCallbackCommand } from '../../application/commands/receive-callback';
import { ReportProgressCommand } from '../../application/commands/report-progress';
import { refusalLimited } from '../../application/callbacks/load-callback';
import { CallbackRefusalLimiter } from '../../application/callbacks/refusal-limiter';
import { SIGNATURE_HEADER } from '../../application/callbacks/signature';
import { CALLBACK_JSON_LIMITS, jsonLimitProblem } from '../../application/forms/json-limits';
import { containsNul, NUL_REFUSAL } from '../../application/forms/nul-characters';
import { DomainError, RateLimitedError, ValidationError } from '../../domain/errors';
import { Public } from '../auth/access';
import { CallbackAnswerDto, ErrorDto } from './dto/process.dto';
import { CALLBACK_BODY_LIMIT_BYTES } from './input-limits';
import { readRawBody } from './raw-body';
import { correlationIdOf } from './correlation-id';

const header = (req: Request, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** Refusals count towards the rate limits; a 429 itself does not. */
const isRefusal = (error: unknown): boolean =>
  (error instanceof DomainError && !(error instanceof RateLimitedError)) ||
  error instanceof PayloadTooLargeException;

/**
 * The URLs handed to remote services, in orchestrator-core's format, so LSO and similar
 * runners call back unchanged. The token in the path is their credential (no API key); it is
 * never logged or echoed. Refused attempts are rate limited per process and client address.
 */
@ApiTags('callbacks')
@Public()
@Controller('api/processes/:id/callback/:token')
export class CallbacksController {
  constructor(
    private readonly commands: CommandBus,
    private readonly limiter: CallbackRefusalLimiter,
  ) {}

  /** Runs `work` unless the caller's address is limited; counts what it refuses. */
  private async limited<T>(
    id: string,
    req: Request,
    work: (processLimited: boolean) => Promise<T>,
  ): Promise<T> {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    if (this.limiter.addressLimited(address)) {
      req.resume(); // the body is not wanted; let the connection answer
      throw refusalLimited();
    }
    try {
      return await work(this.limiter.processLimited(id));
    } catch (error) {
      if (isRefusal(error)) this.limiter.recordRefusal(id, address);
      throw error;
    }
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deliver the result of a long-running operation (consumes the token exactly once)',
  })
  @ApiBody({
    schema: {
      type: 'object',
      example: { job_id: 'uuid', output: '...', return_code: 0, status: 'successful' },
    },
  })
  @ApiResponse({
    status: 200,
    type: CallbackAnswerDto,
    description: 'accepted, or duplicate for a byte-identical re-delivery',
  })
  @ApiResponse({
    status: 400,
    type: ErrorDto,
    description: 'Not JSON or fails the payload schema; token stays open',
  })
  @ApiResponse({
    status: 404,
    type: ErrorDto,
    description: 'Unknown process or token (same answer for both)',
  })
  @ApiResponse({
    status: 409,
    type: ErrorDto,
    description: 'Token already used with another payload, or process not awaiting it',
  })
  @ApiResponse({ status: 410, type: ErrorDto, description: 'Token revoked or expired' })
  @ApiResponse({
    status: 401,
    type: ErrorDto,
    description: 'The workflow signs callbacks and X-Baton-Signature is missing or wrong',
  })
  @ApiResponse({ status: 413, type: ErrorDto, description: 'Body over 1 MiB' })
  @ApiResponse({ status: 429, type: ErrorDto, description: 'Too many refused attempts' })
  @ApiResponse({
    status: 503,
    type: ErrorDto,
    description: 'Store unavailable; nothing written, safe to retry',
  })
  callback(@Param('id') id: string, @Param('token') token: string, @Req() req: Request) {
    return this.limited(id, req, async (processLimited) => {
      const body = await readRawBody(req, CALLBACK_BODY_LIMIT_BYTES);
      const status = await this.commands.execute(
        new ReceiveCallbackCommand(
          id,
          token,
          body,
          correlationIdOf(req),
          header(req, SIGNATURE_HEADER),
          processLimited,
        ),
      );
      return { status };
    });
  }

  @Post('progress')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report progress on an open callback (JSON or plain text)' })
  @ApiBody({ schema: { oneOf: [{ type: 'object' }, { type: 'string' }] } })
  @ApiResponse({ status: 200, description: '{status: "recorded"}' })
  @ApiResponse({ status: 404, type: ErrorDto })
  @ApiResponse({ status: 409, type: ErrorDto })
  @ApiResponse({ status: 410, type: ErrorDto })
  progress(@Param('id') id: string, @Param('token') token: string, @Req() req: Request) {
    return this.limited(id, req, async (processLimited) => {
      const body = await readRawBody(req, CALLBACK_BODY_LIMIT_BYTES);
      await this.commands.execute(
        new ReportProgressCommand(
          id,
          token,
          progressOf(body, req),
          correlationIdOf(req),
          body,
          header(req, SIGNATURE_HEADER),
          processLimited,
        ),
      );
      return { status: 'recorded' };
    });
  }
}

/** A progress report as JSON when labelled so and parseable, else as text. */
const progressOf = (body: Buffer, req: Request): unknown => {
  const text = body.toString('utf8');
  let progress: unknown = text;
  if ((req.headers['content-type'] ?? '').includes('json')) {
    try {
      progress = JSON.parse(text);
    } catch {
      progress = text; // a runner that mislabels text still gets its progress shown
    }
  }
  const tooBig = jsonLimitProblem(progress, CALLBACK_JSON_LIMITS);
  if (tooBig) throw new ValidationError(`Progress report refused: ${tooBig}`);
  if (containsNul(progress)) throw new ValidationError(NUL_REFUSAL);
  return progress;
};
