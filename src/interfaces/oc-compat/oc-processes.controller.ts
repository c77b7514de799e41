/**
 * orchestrator-core's process routes under `/oc/api/processes`, for OC's UI and for scripts
 * written against OC: starting and resuming speak the pydantic-forms protocol (see oc-forms.ts),
 * the detail comes in OC's shape. Every route runs Baton's own commands and queries.
 */
import { Body, Controller, Get, Param, Post, Put, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { ResumeProcessCommand } from '../../application/commands/resume-process';
import {
  AbortProcessCommand,
  RetryProcessCommand,
} from '../../application/commands/retry-abort-process';
import { StartProcessCommand } from '../../application/commands/start-process';
import { GetProcessQuery } from '../../application/queries/process-queries';
import { GetProcessCountsQuery } from '../../application/queries/read-model-queries';
import { ListWorkflowsQuery } from '../../application/queries/list-workflows';
import { mayConfirm } from '../../domain/access/roles';
import {
  ForbiddenError,
  IllegalStateError,
  NotFoundError,
  ValidationError,
} from '../../domain/errors';
import { confirmationRefusal } from '../../domain/process/decide';
import { AuthenticatedRequest, Roles } from '../auth/access';
import { requestContext } from '../rest/request-context';
import {
  OcPageAnswer,
  formInvalid,
  formNotComplete,
  ocFormSchema,
  ocProblem,
  ocValidationErrors,
  readPages,
} from './oc-forms';
import { toOcProcess } from './oc-process';
import { ocStatusCounts } from './oc-statuses';

export const OC_PREFIX = 'oc/api';

const RETRYABLE: readonly string[] = ['failed', 'waiting'];

const isEmptyObject = (body: unknown): boolean =>
  typeof body === 'object' &&
  body !== null &&
  !Array.isArray(body) &&
  Object.keys(body).length === 0;

const send = (res: Response, answer: OcPageAnswer): void => {
  res.status(answer.status).json(answer.body);
};

/** Form problems are answered the pydantic-forms way; anything else goes to the error filter. */
const asFormAnswer = (error: unknown): OcPageAnswer => {
  if (error instanceof ValidationError)
    return formInvalid(error.message, ocValidationErrors(error.validationErrors));
  throw error;
};

@ApiTags('orchestrator-core compatible')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller(`${OC_PREFIX}/processes`)
export class OcProcessesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('status-counts')
  @Roles('auditor')
  @ApiOperation({ summary: 'OC: processes by status (Baton has no tasks: task_counts is empty)' })
  async statusCounts() {
    const counts = await this.queries.execute(new GetProcessCountsQuery());
    return { process_counts: ocStatusCounts(counts.byStatus), task_counts: {} };
  }

  @Post(':workflow')
  @Roles('operator')
  @ApiOperation({ summary: 'OC: start a process; body = list of page answers (510 = next page)' })
  async start(
    @Param('workflow') name: string,
    @Body() body: unknown,
    @Req() req: AuthenticatedRequest,
    @Res() res: Response,
  ) {
    const { actor, correlationId, idempotencyKey } = requestContext(req);
    const workflow = (await this.queries.execute(new ListWorkflowsQuery())).find(
      (w) => w.name === name,
    );
    if (!workflow) throw new NotFoundError('Workflow not found');
    const form = workflow.initialForm;
    const read = readPages(body, form ? 1 : 0);
    if ('refusal' in read) return send(res, read.refusal);
    if (form && read.pages.length === 0)
      return send(
        res,
        formNotComplete(ocFormSchema({ title: workflow.description, schema: form, values: {} })),
      );
    try {
      const started = await this.commands.execute(
        new StartProcessCommand(name, read.pages[0] ?? {}, actor, correlationId, idempotencyKey),
      );
      send(res, { status: 201, body: { id: started.id } });
    } catch (error) {
      send(res, asFormAnswer(error));
    }
  }

  @Get(':id')
  @Roles('auditor')
  @ApiOperation({ summary: 'OC: process detail (last_status, steps in OC statuses, form)' })
  async detail(@Param('id') id: string, @Req() req: AuthenticatedRequest) {
    const detail = await this.queries.execute(new GetProcessQuery(id));
    const workflows = await this.queries.execute(new ListWorkflowsQuery());
    return toOcProcess(
      detail,
      workflows.find((w) => w.name === detail.workflow),
      req.actor,
    );
  }

  @Put(':id/resume')
  @Roles('operator')
  @ApiOperation({ summary: 'OC: answer the pending form; body = list of page answers' })
  async resume(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: AuthenticatedRequest,
    @Res() res: Response,
  ) {
    const { actor, correlationId, idempotencyKey } = requestContext(req);
    const detail = await this.queries.execute(new GetProcessQuery(id));
    // OC's UI retries a failed process by resuming it with no pages.
    if (RETRYABLE.includes(detail.status) || detail.parked) return this.retry(id, body, req, res);
    if (detail.status !== 'suspended' || !detail.form)
      return send(res, ocProblem(409, `Resuming a ${detail.status} process is not possible`));
    // As in Baton's own resume: who may not confirm learns nothing about the form.
    if (!mayConfirm(actor, detail.form.roles ?? undefined))
      throw new ForbiddenError(confirmationRefusal(detail.form.roles ?? []));
    const read = readPages(body, 1);
    if ('refusal' in read) return send(res, read.refusal);
    if (read.pages.length === 0) return send(res, formNotComplete(ocFormSchema(detail.form)));
    try {
      await this.commands.execute(
        new ResumeProcessCommand(id, read.pages[0], actor, correlationId, idempotencyKey),
      );
      res.status(204).end();
    } catch (error) {
      // The process moved on between the read above and the command (another operator was
      // first): the precondition the client saw no longer holds.
      if (error instanceof IllegalStateError) return send(res, ocProblem(412, error.message));
      send(res, asFormAnswer(error));
    }
  }

  private async retry(id: string, body: unknown, req: AuthenticatedRequest, res: Response) {
    const { actor, correlationId, idempotencyKey } = requestContext(req);
    // OC's UI retries with the body `{}`, not a list of pages; an empty object asks nothing.
    const read = readPages(isEmptyObject(body) ? [] : body, 0);
    if ('refusal' in read) return send(res, read.refusal);
    try {
      await this.commands.execute(
        new RetryProcessCommand(id, actor, correlationId, idempotencyKey),
      );
      res.status(204).end();
    } catch (error) {
      if (!(error instanceof IllegalStateError)) throw error;
      send(res, ocProblem(412, error.message));
    }
  }

  @Put(':id/abort')
  @Roles('operator')
  @ApiOperation({ summary: 'OC: abort a process (204)' })
  async abort(@Param('id') id: string, @Req() req: AuthenticatedRequest, @Res() res: Response) {
    const { actor, correlationId, idempotencyKey } = requestContext(req);
    await this.commands.execute(
      new AbortProcessCommand(
        id,
        'aborted through the OC API',
        actor,
        correlationId,
        idempotencyKey,
      ),
    );
    res.status(204).end();
  }
}
