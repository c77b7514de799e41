import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SubscriberLag } from '../../application/health/subscriber-lag';
import { EVENT_STORE, EventStore } from '../../application/ports/event-store';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly lag: SubscriberLag,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Liveness and readiness: the event store answers; lag of projections and runner',
  })
  @ApiResponse({
    status: 200,
    description:
      '{status: "ok", headPosition, details: {projections: [{name, checkpoint, head, caughtUp, behindMs}], runner}}',
  })
  @ApiResponse({ status: 503, description: 'Event store unreachable' })
  async health() {
    try {
      const { head, projections, runner } = await this.lag.measure();
      return { status: 'ok', headPosition: head, details: { projections, runner } };
    } catch {
      throw new ServiceUnavailableException('Event store unavailable');
    }
  }
}
