import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SubscriberLag } from '../../application/health/subscriber-lag';
import { EVENT_STORE, EventStore } from '../../application/ports/event-store';
import { RUNTIME_CONFIG, RuntimeConfig } from '../../application/ports/runtime-config';
import { Public } from '../auth/access';

export const SIMULATOR_WARNING =
  'The bundled LSO runner SIMULATOR stands in for ANSIBLE_PROXY_URL: it reports success without running any playbook. Not for production.';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly lag: SubscriberLag,
    @Inject(RUNTIME_CONFIG) private readonly runtime: RuntimeConfig,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Liveness and readiness: the event store answers; lag of projections and runner',
  })
  @ApiResponse({
    status: 200,
    description:
      '{status: "ok", headPosition, details: {projections: [{name, checkpoint, head, caughtUp, behindMs}], runner}, runnerSimulator?} (runnerSimulator: a warning while the simulator stands in for a runner)',
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
      ...(simulator ? { runnerSimulator: { url: simulator, warning: SIMULATOR_WARNING } } : {}),
    };
  }
}
