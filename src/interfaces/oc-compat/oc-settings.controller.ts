/**
 * orchestrator-core's engine status and UI translations. Baton has no global engine lock, so
 * the engine is always `RUNNING`; OC's UI gates its start and resume buttons on it.
 */
import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ListWorkflowsQuery } from '../../application/queries/list-workflows';
import { GetProcessCountsQuery } from '../../application/queries/read-model-queries';
import { ValidationError } from '../../domain/errors';
import { Roles } from '../auth/access';
import { OC_PREFIX } from './oc-processes.controller';

/** A BCP 47-ish locale as OC's UI sends it (`en-GB`, `nl-NL`). */
const LOCALE = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$/;

@ApiTags('orchestrator-core compatible')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller(OC_PREFIX)
export class OcSettingsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('settings/status')
  @Roles('auditor')
  @ApiOperation({
    summary: 'OC: engine status (always RUNNING) and the number of running processes',
  })
  async status() {
    const counts = await this.queries.execute(new GetProcessCountsQuery());
    return {
      global_lock: false,
      global_status: 'RUNNING',
      running_processes: counts.byStatus.running ?? 0,
    };
  }

  @Get('translations/:locale')
  @Roles('auditor')
  @ApiOperation({
    summary: 'OC: labels for forms and workflows (Baton keeps English only, for every locale)',
  })
  async translations(@Param('locale') locale: string) {
    if (!LOCALE.test(locale)) throw new ValidationError('Unknown locale format');
    const workflows = await this.queries.execute(new ListWorkflowsQuery());
    const fields: Record<string, string> = {};
    for (const w of workflows) {
      const properties = (w.initialForm?.properties ?? {}) as Record<string, { title?: string }>;
      for (const [name, p] of Object.entries(properties)) fields[name] = p.title ?? name;
    }
    return {
      forms: { fields },
      workflow: Object.fromEntries(workflows.map((w) => [w.name, w.description])),
    };
  }
}
