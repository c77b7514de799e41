import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  UsePipes,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { Response } from 'express';
import { AuthenticatedRequest, Roles } from '../auth/access';
import { ResumeProcessCommand } from '../../application/commands/resume-process';
import {
  AbortProcessCommand,
  RetryProcessCommand,
} from '../../application/commands/retry-abort-process';
import { StartProcessCommand } from '../../application/commands/start-process';
import {
  GetProcessEventsQuery,
  GetProcessQuery,
  GetStateAtRevisionQuery,
  ListProcessesQuery,
} from '../../application/queries/process-queries';
import { GetStepLogQuery } from '../../application/queries/read-model-handlers';
import {
  GetProcessCallbacksQuery,
  GetProcessCountsQuery,
} from '../../application/queries/read-model-queries';
import {
  AbortProcessDto,
  ErrorDto,
  ListProcessesQueryDto,
  SeenRevisionQueryDto,
  StartedProcessDto,
  StateAtRevisionQueryDto,
} from './dto/process.dto';
import { sendJsonWithEtag } from './etag-response';
import { longPollOf, sendDetail } from './process-detail-response';
import { requestContext } from './request-context';
import { dtoValidation } from './validation';

const FREE_FORM = { schema: { type: 'object', additionalProperties: true } };

@ApiTags('processes')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('api/processes')
@UsePipes(dtoValidation)
export class ProcessesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post(':workflow')
  @Roles('operator')
  @ApiOperation({
    summary: 'Start a process of a workflow',
    description: 'Body: the workflow initial form (see GET /api/workflows).',
  })
  @ApiBody(FREE_FORM)
  @ApiResponse({ status: 201, type: StartedProcessDto })
  @ApiResponse({ status: 400, type: ErrorDto, description: '{validationErrors}' })
  @ApiResponse({ status: 404, type: ErrorDto, description: 'Unknown workflow' })
  start(
    @Param('workflow') workflow: string,
    @Body() input: unknown,
    @Req() req: AuthenticatedRequest,
  ) {
    const { actor, correlationId, idempotencyKey } = requestContext(req);
    return this.commands.execute(
      new StartProcessCommand(workflow, input, actor, correlationId, idempotencyKey),
    );
  }

  @Get()
  @Roles('auditor')
  @ApiOperation({
    summary: 'List processes, newest first',
    description: 'Eventually consistent read model.',
  })
  @ApiOkResponse({ description: '{items, nextCursor}; strong ETag' })
  @ApiResponse({ status: 304, description: 'Unchanged since the ETag sent in If-None-Match' })
  @ApiResponse({ status: 400, type: ErrorDto, description: 'Bad filter, sort or cursor' })
  async list(
    @Query() query: ListProcessesQueryDto,
    @Req() req: AuthenticatedRequest,
    @Res() res: Response,
  ) {
    const page = await this.queries.execute(
      new ListProcessesQuery({
        status: query.status,
        workflow: query.workflow,
        assignee: query.assignee,
        q: query.q,
        sort: query.sort,
        limit: query.limit ?? 50,
        cursor: query.cursor,
      }),
    );
    sendJsonWithEtag(req, res, page);
  }

  @Get('counts')
  @Roles('auditor')
  @ApiOperation({ summary: 'Number of processes by status, and by workflow and status' })
  @ApiOkResponse({ description: '{total, byStatus, byWorkflow: [{workflow, total, byStatus}]}' })
  async counts(@Req() req: AuthenticatedRequest, @Res() res: Response) {
    sendJsonWithEtag(req, res, await this.queries.execute(new GetProcessCountsQuery()));
  }

  @Get(':id')
  @Roles('auditor')
  @ApiOperation({
    summary:
      'Process detail: status, steps with deltas, state, pending form, callback (never its token)',
  })
  @ApiResponse({ status: 304, description: 'Unchanged since the ETag sent in If-None-Match' })
  @ApiResponse({ status: 404, type: ErrorDto })
  @ApiQuery({
    name: 'wait',
    required: false,
    description:
      'Long poll: with If-None-Match naming the revision you have, wait up to this many ms (at most 20000) for the process to change; 304 if it did not',
  })
  async detail(@Param('id') id: string, @Req() req: AuthenticatedRequest, @Res() res: Response) {
    const detail = await this.queries.execute(
      new GetProcessQuery(id, undefined, longPollOf(req, res, id)),
    );
    sendDetail(req, res, detail);
  }

  @Put(':id/resume')
  @Roles('operator')
  @HttpCode(204)
  @ApiOperation({ summary: 'Submit the pending form (for example confirm callback results)' })
  @ApiBody(FREE_FORM)
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({
    status: 403,
    type: ErrorDto,
    description: 'The step may only be confirmed by other roles; nothing is recorded',
  })
  @ApiResponse({ status: 409, type: ErrorDto, description: 'Not suspended' })
  async resume(@Param('id') id: string, @Body() input: unknown, @Req() req: AuthenticatedRequest) {
    const { actor, correlationId, idempotencyKey } = requestContext(req);
    await this.commands.execute(
      new ResumeProcessCommand(id, input ?? {}, actor, correlationId, idempotencyKey),
    );
  }

  @Put(':id/retry')
  @Roles('operator')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Retry a failed or waiting process from its failed step (a callback step gets a new token)',
  })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 409, type: ErrorDto, description: 'Not failed or waiting' })
  async retry(@Param('id') id: string, @Req() req: AuthenticatedRequest) {
    const { actor, correlationId, idempotencyKey } = requestContext(req);
    await this.commands.execute(new RetryProcessCommand(id, actor, correlationId, idempotencyKey));
  }

  @Put(':id/abort')
  @Roles('operator')
  @HttpCode(204)
  @ApiOperation({ summary: 'Abort a process; its open callback token is revoked' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 409, type: ErrorDto, description: 'Already completed or aborted' })
  async abort(
    @Param('id') id: string,
    @Body() body: AbortProcessDto,
    @Req() req: AuthenticatedRequest,
  ) {
    const { actor, correlationId, idempotencyKey } = requestContext(req);
    await this.commands.execute(
      new AbortProcessCommand(id, body?.reason ?? '', actor, correlationId, idempotencyKey),
    );
  }

  @Get(':id/callbacks')
  @Roles('auditor')
  @ApiOperation({
    summary:
      'Callback audit: per token, issue, action return, progress reports, receipt, rejections, expiry or revocation (never the token)',
  })
  @ApiResponse({ status: 404, type: ErrorDto })
  callbacks(@Param('id') id: string, @Query() query: SeenRevisionQueryDto) {
    return this.queries.execute(new GetProcessCallbacksQuery(id, query.revision));
  }

  @Get(':id/steps')
  @Roles('auditor')
  @ApiOperation({
    summary: 'Step log: every execution of every step with status, times, state delta and error',
  })
  @ApiResponse({ status: 404, type: ErrorDto })
  steps(@Param('id') id: string, @Query() query: SeenRevisionQueryDto) {
    return this.queries.execute(new GetStepLogQuery(id, query.revision));
  }

  @Get(':id/events')
  @Roles('auditor')
  @ApiOperation({
    summary: 'Full event history with metadata, revisions and global positions (auditors)',
  })
  @ApiResponse({ status: 404, type: ErrorDto })
  events(@Param('id') id: string) {
    return this.queries.execute(new GetProcessEventsQuery(id));
  }

  @Get(':id/state')
  @Roles('auditor')
  @ApiOperation({ summary: 'State as it was at a revision (fold of the events up to it)' })
  @ApiResponse({ status: 404, type: ErrorDto })
  stateAt(@Param('id') id: string, @Query() query: StateAtRevisionQueryDto) {
    return this.queries.execute(new GetStateAtRevisionQuery(id, query.revision));
  }
}
