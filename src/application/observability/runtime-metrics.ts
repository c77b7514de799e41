/**
 * Turns what the engine reports on `RuntimeEvents` into metrics the engine does not count
 * itself. Only partition takeovers: append conflicts and step durations are already measured
 * where they happen (the repository, the step runners), with labels these events lack.
 */
import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { METRICS, Metrics } from '../ports/metrics';
import { RuntimeEvents } from '../runtime-events';

@Injectable()
export class RuntimeMetrics implements OnModuleInit, OnModuleDestroy {
  private subscription?: Subscription;

  constructor(
    private readonly events: RuntimeEvents,
    @Inject(METRICS) private readonly metrics: Metrics,
  ) {}

  // Subscribed before the runner's start-up round (application bootstrap), so nothing is missed.
  onModuleInit(): void {
    this.subscription = this.events.events$.subscribe((event) => {
      // The start-up round takes what nobody held; only later acquisitions take over.
      if (event.type === 'partitions-acquired' && event.takeover && event.partitions.length > 0)
        this.metrics.ownershipTakeover(event.partitions.length);
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
