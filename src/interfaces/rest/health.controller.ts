import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore } from '../../application/ports/event-store';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and readiness: the event store answers' })
  @ApiResponse({ status: 200, description: '{status: "ok", headPosition}' })
  @ApiResponse({ status: 503, description: 'Event store unreachable' })
  async health() {
    try {
      return { status: 'ok', headPosition: await this.store.headPosition() };
    } catch {
      throw new ServiceUnavailableException('Event store unavailable');
    }
  }
}
