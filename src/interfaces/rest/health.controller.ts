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
import { SubscriberLag } from '../../application/health/subscriber-lag';
import { ReadinessIndicators } from './readiness-indicators';
import { RUNTIME_CONFIG, RuntimeConfig } from '../../application/ports/runtime-config';
import { Public } from '../auth/access';

import { SIMULATOR_WARNING } from '../../runner-simulator/simulator-warning';

export { SIMULATOR_WARNING };

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly lag: SubscriberLag,
    private readonly checks: HealthCheckService,
    private readonly readiness: ReadinessIndicators,
    @Inject(RUNTIME_CONFIG) private readonly runtime: RuntimeConfig,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The event store answers; lag of projections and runner (see also live/ready)',
  })
  @ApiResponse({
    status: 200,
    description:
      '{status: "ok", headPosition, details: {projections: [{name, checkpoint, head, caughtUp, behindMs}], runner}, worker?: {index, of}, runnerSimulator?} (worker: which worker process answered, with WORKERS > 1; runnerSimulator: a warning while the simulator stands in for a runner)',
  })
  @ApiResponse({ status: 503, description: 'Event store unreachable' })
  async health() {
    let measured: Awaited<ReturnType<SubscriberLag['measure']>>;
    try {
      measured = await this.lag.measure();
    } catch {
      throw new ServiceUnavailableException('Event store unavailable');
    }
    const { head, projections, runner } = measured;
    const simulator = this.runtime.simulatorUrl;
    return {
      status: 'ok',
      headPosition: head,
      details: { projections, runner },
      // Which worker answered (WORKERS > 1): each reports on itself, the port reaches any one.
      ...(this.runtime.worker ? { worker: this.runtime.worker } : {}),
      ...(simulator ? { runnerSimulator: { url: simulator, warning: SIMULATOR_WARNING } } : {}),
    };
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
