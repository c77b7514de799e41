/**
 * Auditors' routes (issue #6, points 6-7): is a process's history as it was written, and its
 * readable timeline. Both read the stream from the store, never from a cache.
 */
import { Roles } from '../auth/access';
import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  GetProcessAuditQuery,
  VerifyProcessHistoryQuery,
} from '../../application/queries/history-queries';
import { ErrorDto } from './dto/process.dto';

@ApiTags('processes')
// Auditors read the history of everything, live or paged.
@Roles('auditor')
@Controller('api/processes')
export class ProcessHistoryController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/verify')
  @ApiOperation({
    summary: 'Check the hash chain of a process history',
    description:
      '{intact: true, events, unhashedPrefix, verified, headHash} or {intact: false, firstBadRevision, problems, …}. unhashedPrefix: leading events written before hashing existed, not covered.',
  })
  @ApiOkResponse({ description: 'The verdict (200 whether intact or not)' })
  @ApiResponse({ status: 404, type: ErrorDto })
  verify(@Param('id') id: string) {
    return this.queries.execute(new VerifyProcessHistoryQuery(id));
  }

  @Get(':id/audit')
  @ApiOperation({
    summary:
      'Audit timeline: time, actor, what happened, state delta, callback activity (never a token) and the chain verdict',
  })
  @ApiResponse({ status: 404, type: ErrorDto })
  audit(@Param('id') id: string) {
    return this.queries.execute(new GetProcessAuditQuery(id));
  }
}
