/**
 * What "ready to take traffic" means for Baton: the event store answers, its schema is the one
 * this build expects, and the read models trail the store by no more than the configured bound
 * (a list that is minutes behind misleads operators and delays timers). Each check answers
 * within a deadline, so a hung database makes the instance unready instead of hanging probes.
 */
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { SubscriberLag } from '../../application/health/subscriber-lag';
import { EVENT_STORE, EventStore } from '../../application/ports/event-store';
import { RUNTIME_CONFIG, RuntimeConfig } from '../../application/ports/runtime-config';
import { SCHEMA_STATUS, SchemaStatus } from '../../application/ports/schema-status';

/** Readiness fails when a projection's oldest unapplied event is older than this (default). */
export const DEFAULT_MAX_PROJECTION_LAG_MS = 30_000;
const CHECK_DEADLINE_MS = 5_000;

const withDeadline = <T>(work: Promise<T>): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no answer within ${CHECK_DEADLINE_MS} ms`)),
      CHECK_DEADLINE_MS,
    );
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

@Injectable()
export class ReadinessIndicators {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SCHEMA_STATUS) private readonly schema: SchemaStatus,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    private readonly lag: SubscriberLag,
  ) {}

  async eventStore(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('eventStore');
    try {
      return check.up({ headPosition: await withDeadline(this.store.headPosition()) });
    } catch (error) {
      return check.down({ message: `unreachable: ${messageOf(error)}` });
    }
  }

  async migrations(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('migrations');
    try {
      const missing = await withDeadline(this.schema.missingMigrations());
      return missing.length === 0 ? check.up() : check.down({ missing });
    } catch (error) {
      return check.down({ message: `could not be read: ${messageOf(error)}` });
    }
  }

  async projections(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('projections');
    const maxLagMs = this.config.maxProjectionLagMs ?? DEFAULT_MAX_PROJECTION_LAG_MS;
    try {
      const { projections, runner } = await withDeadline(this.lag.measure());
      const lagMs = Object.fromEntries([...projections, runner].map((f) => [f.name, f.behindMs]));
      // The runner's checkpoint also waits for long-running steps: reported, never a reason.
      const behind = projections.filter((f) => f.behindMs > maxLagMs);
      return behind.length === 0
        ? check.up({ maxLagMs, lagMs })
        : check.down({ maxLagMs, lagMs, behind: behind.map((f) => f.name) });
    } catch (error) {
      return check.down({ message: `lag could not be measured: ${messageOf(error)}` });
    }
  }
}
