import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
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
    @Inject(RUNTIME_CONFIG) private readonly runtime: RuntimeConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and readiness: the event store answers' })
  @ApiResponse({
    status: 200,
    description:
      '{status: "ok", headPosition, runnerSimulator?} (runnerSimulator: a warning while the simulator is in use)',
  })
  @ApiResponse({ status: 503, description: 'Event store unreachable' })
  async health() {
    let headPosition: number;
    try {
      headPosition = await this.store.headPosition();
    } catch {
      throw new ServiceUnavailableException('Event store unavailable');
    }
    const simulator = this.runtime.simulatorUrl;
    return {
      status: 'ok',
      headPosition,
      ...(simulator ? { runnerSimulator: { url: simulator, warning: SIMULATOR_WARNING } } : {}),
    };
  }
}
