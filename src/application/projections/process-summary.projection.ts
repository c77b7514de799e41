/**
 * Builds the process list read model incrementally: each row keeps the process's fold, and an
 * event is applied to that fold with `evolve` (the one interpreter of events), never by
 * re-reading the stream. A batch's rows and the checkpoint are written in one transaction, and
 * rows move only forward by revision, so redeliveries and replays are harmless and a replay
 * from position 0 rebuilds the table.
 */
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { EVENT_STORE, EventStore, RecordedEvent, Subscription } from '../ports/event-store';
import { PROCESS_SUMMARY_STORE, ProcessSummaryStore } from '../ports/process-summaries';
import { WORK_OWNERSHIP, WorkOwnership } from '../ports/work-ownership';
import { ProcessSummaryFolds } from './process-summary-folds';

export const PROJECTION_ROLE = 'projection:process-summaries';

/** The process list trails the store by at most about this much while it is busy. */
const PROJECTION_MIN_INTERVAL_MS = 50;

@Injectable()
export class ProcessSummaryProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProcessSummaryProjection.name);
  private readonly folds: ProcessSummaryFolds;
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROCESS_SUMMARY_STORE) private readonly summaries: ProcessSummaryStore,
    @Inject(WORK_OWNERSHIP) private readonly ownership: WorkOwnership,
    registry: WorkflowRegistry,
  ) {
    this.folds = new ProcessSummaryFolds(summaries, registry);
  }

  /** One instance keeps the list (a role): several would only write the same rows N times. */
  onApplicationBootstrap(): void {
    this.ownership.watchRole(PROJECTION_ROLE, {
      acquired: () => this.follow(),
      released: () => this.stop(),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private async follow(): Promise<void> {
    const from = await this.summaries.appliedPosition();
    this.logger.log(`following events after position ${from}`);
    // A list may lag a little; batching its writes costs the hot path far less.
    this.subscription = this.store.subscribeAll(from, (events) => this.apply(events), {
      minIntervalMs: PROJECTION_MIN_INTERVAL_MS,
    });
  }

  private async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close();
  }

  apply(events: RecordedEvent[]): Promise<void> {
    return this.folds.apply(events);
  }
}
