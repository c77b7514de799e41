import {
  Controller,
  Get,
  HttpStatus,
  Inject,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { EVENT_STORE, EventStore } from '../../application/ports/event-store';
import { ReadinessIndicators } from './readiness-indicators';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly checks: HealthCheckService,
    private readonly readiness: ReadinessIndicators,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The event store answers (kept for existing probes; see live/ready)' })
  @ApiResponse({ status: 200, description: '{status: "ok", headPosition}' })
  @ApiResponse({ status: 503, description: 'Event store unreachable' })
  async health() {
    try {
      return { status: 'ok', headPosition: await this.store.headPosition() };
    } catch {
      throw new ServiceUnavailableException('Event store unavailable');
    }
  }

  /** Touches nothing outside the process: a restart cannot fix a database outage. */
  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process answers HTTP' })
  @ApiResponse({ status: 200, description: '{status: "ok", info: {}, error: {}, details: {}}' })
  live() {
    return this.checks.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary:
      'Readiness: event store reachable, migrations applied, projections within the lag bound',
  })
  @ApiResponse({
    status: 200,
    description: 'Terminus result: {status: "ok", info, error, details}',
  })
  @ApiResponse({ status: 503, description: 'Terminus result naming the failing checks' })
  async ready(@Res({ passthrough: true }) res: Response) {
    try {
      return await this.checks.check([
        () => this.readiness.eventStore(),
        () => this.readiness.migrations(),
        () => this.readiness.projections(),
      ]);
    } catch (error) {
      // Terminus reports a failed check as a 503 carrying the full result: answer that result
      // itself, not the generic error body, so a probe's log says which check failed.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return error.getResponse();
    }
  }
}
