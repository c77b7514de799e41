import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { PrometheusMetrics } from '../../infrastructure/metrics/prometheus-metrics';
import { Roles } from '../auth/access';

/**
 * Prometheus exposition format; store-derived figures are read at scrape time. Read-only but not
 * for everyone (workflow names, volumes): the least role, like other read routes.
 */
@ApiExcludeController()
@Roles('auditor')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: PrometheusMetrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.type(this.metrics.contentType);
    return this.metrics.render();
  }
}
