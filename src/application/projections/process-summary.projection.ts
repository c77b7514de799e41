/**
 * Builds the process list read model. Each touched process is re-folded from its stream and
 * written with its revision, so the row is always a function of the history and a replay from
 * position 0 rebuilds the table.
 */
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ProcessState, currentFailure, currentStepName } from '../../domain/process/state';
import { nextWakeAt } from '../../domain/process/timers';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { CHECKPOINT_STORE, CheckpointStore } from '../ports/checkpoint-store';
import { EVENT_STORE, EventStore, RecordedEvent, Subscription } from '../ports/event-store';
import {
  PROCESS_SUMMARY_STORE,
  ProcessSummary,
  ProcessSummaryStore,
} from '../ports/process-summaries';
import { ProcessRepository } from '../process/process-repository';
import {
  lastEventPerProcess,
  startCheckpointedSubscription,
} from '../subscriptions/checkpointed-subscription';

export const PROCESS_SUMMARY_CHECKPOINT = 'projection:process-summaries';

@Injectable()
export class ProcessSummaryProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
    @Inject(PROCESS_SUMMARY_STORE) private readonly summaries: ProcessSummaryStore,
    private readonly repository: ProcessRepository,
    private readonly registry: WorkflowRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await startCheckpointedSubscription(
      this.store,
      this.checkpoints,
      PROCESS_SUMMARY_CHECKPOINT,
      (events) => this.apply(events),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  async apply(events: RecordedEvent[]): Promise<void> {
    for (const processId of lastEventPerProcess(events).keys()) {
      const { state } = await this.repository.load(processId);
      if (state.revision >= 0) await this.summaries.upsert(this.summarise(state));
    }
  }

  summarise(state: ProcessState): ProcessSummary {
    const steps = this.stepNames(state);
    return {
      processId: state.processId,
      workflow: state.workflow,
      workflowVersion: state.workflowVersion,
      status: state.status,
      currentStep: currentStepName(state, steps),
      assignee: state.pendingForm?.assignee ?? null,
      failedReason: currentFailure(state)?.error.message ?? null,
      wakeAt: nextWakeAt(state),
      revision: state.revision,
      startedAt: state.startedAt ?? state.updatedAt ?? '',
      updatedAt: state.updatedAt ?? '',
    };
  }

  private stepNames(state: ProcessState): string[] {
    try {
      return this.registry.get(state.workflow, state.workflowVersion).steps.map((s) => s.name);
    } catch {
      return []; // a retired workflow version still lists, just without step names
    }
  }
}
