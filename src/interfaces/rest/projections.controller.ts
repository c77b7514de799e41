import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { OnlineRebuilds } from '../../application/projections/online-rebuild';
import { ProjectionRunner } from '../../application/projections/projection-runner';
import { Roles } from '../auth/access';
import { ErrorDto } from './dto/process.dto';

/** Operating the read models: where each stands, and rebuilding one while the service runs. */
@ApiTags('admin')
@Roles('admin')
@Controller('api/admin/projections')
export class ProjectionsController {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly rebuilds: OnlineRebuilds,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Projections with their checkpoint and their last rebuild' })
  async list() {
    return (await this.runner.where()).map((p) => ({
      ...p,
      rebuild: this.rebuilds.status(p.name),
    }));
  }

  @Get(':name')
  @ApiOperation({ summary: 'One projection: checkpoint and rebuild status' })
  @ApiResponse({ status: 404, type: ErrorDto })
  async one(@Param('name') name: string) {
    const rebuild = this.rebuilds.status(name);
    return { ...(await this.runner.where()).find((p) => p.name === name), rebuild };
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Rebuild one projection from the event store into shadow tables, then swap it in atomically (the service keeps serving the old rows meanwhile)',
  })
  @ApiResponse({
    status: 202,
    description: 'Started; follow it at GET /api/admin/projections/{name}',
  })
  @ApiResponse({ status: 404, type: ErrorDto, description: 'Unknown projection' })
  @ApiResponse({
    status: 409,
    type: ErrorDto,
    description: 'A rebuild of it is already running, or another instance runs the projections',
  })
  rebuild(@Param('name') name: string) {
    return this.rebuilds.start(name);
  }
}
