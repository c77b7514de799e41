import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { ReceiveCallbackCommand } from '../../application/commands/receive-callback';
import { ReportProgressCommand } from '../../application/commands/report-progress';
import { containsNul, NUL_REFUSAL } from '../../application/forms/nul-characters';
import { ValidationError } from '../../domain/errors';
import { CallbackAnswerDto, ErrorDto } from './dto/process.dto';
import { BODY_LIMIT_BYTES } from './http-setup';
import { readRawBody } from './raw-body';
import { requestContext } from './request-context';

/**
 * The URLs handed to remote services, in orchestrator-core's format, so LSO and similar
 * runners call back unchanged. The token in the path is never logged or echoed.
 */
@ApiTags('callbacks')
@Controller('api/processes/:id/callback/:token')
export class CallbacksController {
  constructor(private readonly commands: CommandBus) {}

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
  @ApiResponse({ status: 413, type: ErrorDto, description: 'Body over 1 MiB' })
  @ApiResponse({
    status: 503,
    type: ErrorDto,
    description: 'Store unavailable; nothing written, safe to retry',
  })
  async callback(@Param('id') id: string, @Param('token') token: string, @Req() req: Request) {
    const body = await readRawBody(req, BODY_LIMIT_BYTES);
    const status = await this.commands.execute(
      new ReceiveCallbackCommand(id, token, body, requestContext(req).correlationId),
    );
    return { status };
  }

  @Post('progress')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report progress on an open callback (JSON or plain text)' })
  @ApiBody({ schema: { oneOf: [{ type: 'object' }, { type: 'string' }] } })
  @ApiResponse({ status: 200, description: '{status: "recorded"}' })
  @ApiResponse({ status: 404, type: ErrorDto })
  @ApiResponse({ status: 409, type: ErrorDto })
  @ApiResponse({ status: 410, type: ErrorDto })
  async progress(@Param('id') id: string, @Param('token') token: string, @Req() req: Request) {
    const body = await readRawBody(req, BODY_LIMIT_BYTES);
    const text = body.toString('utf8');
    let progress: unknown = text;
    if ((req.headers['content-type'] ?? '').includes('json')) {
      try {
        progress = JSON.parse(text);
      } catch {
        progress = text; // a runner that mislabels text still gets its progress shown
      }
    }
    if (containsNul(progress)) throw new ValidationError(NUL_REFUSAL);
    await this.commands.execute(
      new ReportProgressCommand(id, token, progress, requestContext(req).correlationId),
    );
    return { status: 'recorded' };
  }
}
