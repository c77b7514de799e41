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
import { ProcessSummaryFolds } from './process-summary-folds';

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
    registry: WorkflowRegistry,
  ) {
    this.folds = new ProcessSummaryFolds(summaries, registry);
  }

  async onApplicationBootstrap(): Promise<void> {
    const from = await this.summaries.appliedPosition();
    this.logger.log(`following events after position ${from}`);
    // A list may lag a little; batching its writes costs the hot path far less.
    this.subscription = this.store.subscribeAll(from, (events) => this.apply(events), {
      minIntervalMs: PROJECTION_MIN_INTERVAL_MS,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  apply(events: RecordedEvent[]): Promise<void> {
    return this.folds.apply(events);
  }
}
