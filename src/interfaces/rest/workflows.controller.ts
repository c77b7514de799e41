import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/access';
import { ListWorkflowsQuery } from '../../application/queries/list-workflows';

@ApiTags('workflows')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('api/workflows')
export class WorkflowsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('auditor')
  @ApiOperation({ summary: 'Workflows with their initial form as JSON Schema and their steps' })
  @ApiOkResponse({
    description: 'Array of {name, description, target, version, initialForm, steps}',
  })
  list() {
    return this.queries.execute(new ListWorkflowsQuery());
  }
}
