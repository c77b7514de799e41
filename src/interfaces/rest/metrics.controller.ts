import { Controller, Get, Header, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { PrometheusMetrics } from '../../infrastructure/metrics/prometheus-metrics';
import { METRICS_CLUSTER, MetricsCluster } from '../../infrastructure/metrics/metrics-cluster';
import { Roles } from '../auth/access';

/**
 * Prometheus exposition format; store-derived figures are read at scrape time. Read-only but not
 * for everyone (workflow names, volumes): the least role, like other read routes. With several
 * workers (WORKERS) the answer covers all of them, whichever one the scrape reached.
 */
@ApiExcludeController()
@Roles('auditor')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: PrometheusMetrics,
    @Inject(METRICS_CLUSTER) private readonly cluster: MetricsCluster | null,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.type(this.metrics.contentType);
    if (!this.cluster) return this.metrics.render();
    // One worker's series alone would make the instance's counters jump between scrapes.
    return this.cluster.render().catch((error: Error) => {
      throw new ServiceUnavailableException(`metrics of the workers unavailable: ${error.message}`);
    });
  }
}
