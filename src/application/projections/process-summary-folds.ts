/**
 * The process list projection's work, shared by the live subscription and a rebuild: fold a
 * batch of events onto the stored folds of the processes it touches, derive their rows, write
 * rows and checkpoint together.
 */
import { Logger } from '@nestjs/common';
import { JsonObject, processIdOfStream } from '../../domain/process/events';
import {
  FINAL_STATUSES,
  ProcessState,
  currentFailure,
  currentStepName,
  evolve,
  initialProcessState,
} from '../../domain/process/state';
import { nextWakeAt } from '../../domain/process/timers';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { RecordedEvent } from '../ports/event-store';
import {
  CallbackActivityKind,
  ProcessSummary,
  ProcessSummaryStore,
  SummaryChange,
} from '../ports/process-summaries';
import { ListedStatus } from '../queries/read-model-queries';
import { FoldedProcessCache } from '../folding/folded-process-cache';
import { toProcessEvent } from '../folding/recorded-events';

/** Folds kept in memory between batches, so a busy process's row is not read back each time. */
const REMEMBERED_FOLDS = 2000;

export class ProcessSummaryFolds {
  private readonly logger = new Logger('ProcessSummaryProjection');
  private readonly remembered: FoldedProcessCache;

  constructor(
    private readonly summaries: ProcessSummaryStore,
    private readonly registry: WorkflowRegistry,
    remember = REMEMBERED_FOLDS,
  ) {
    this.remembered = new FoldedProcessCache(remember);
  }

  /** Applies a batch and moves the checkpoint to its last event, atomically. */
  async apply(events: readonly RecordedEvent[], to: number | null): Promise<void> {
    if (events.length === 0) {
      if (to !== null) await this.summaries.write([], to);
      return;
    }
    const changes = await this.fold(events);
    await this.summaries.write(changes, to);
    // Only once written: a batch that failed is redelivered and must not find itself remembered.
    this.remember(changes);
  }

  /**
   * The rows a batch changes, from the remembered or stored folds. Remember them (`remember`)
   * once written, unless the caller treats a failed write as the end of everything (a rebuild).
   * `beforeStoreRead` runs first when some fold must come from the table: a rebuild waits there
   * for its writes in flight.
   */
  async fold(
    events: readonly RecordedEvent[],
    beforeStoreRead?: () => Promise<void>,
  ): Promise<SummaryChange[]> {
    const byProcess = groupByProcess(events);
    const folds = await this.startingFolds(byProcess, beforeStoreRead);
    const changes: SummaryChange[] = [];
    for (const [processId, stream] of byProcess) {
      const before = folds.get(processId) ?? initialProcessState();
      let fold: ProcessState;
      try {
        fold = stream.reduce(applyInOrder, before);
      } catch (error) {
        // One process whose events cannot be folded must not hold back the whole list: its row
        // stays where it was, and the rest of the batch is written.
        this.logger.error(`process list: skipped ${processId}: ${(error as Error).message}`);
        continue;
      }
      if (fold !== before)
        changes.push({ summary: { ...this.summarise(fold), ...this.fromEvents(stream) }, fold });
    }
    return changes;
  }

  forget(): void {
    this.remembered.clear();
  }

  remember(changes: readonly SummaryChange[]): void {
    for (const { fold } of changes)
      this.remembered.offer(fold.processId, { state: fold, events: [], checkedAt: 0 });
  }

  summarise(state: ProcessState): ProcessSummary {
    return {
      processId: state.processId,
      workflow: state.workflow,
      workflowVersion: state.workflowVersion,
      status: listedStatus(state),
      currentStep: currentStepName(state, this.stepNames(state)),
      assignee: state.pendingForm?.assignee ?? null,
      failedReason:
        currentFailure(state)?.error.message ??
        (state.parked ? `parked: ${state.parked.reason}` : null),
      description: null,
      lastCallbackAt: null,
      lastCallbackKind: null,
      wakeAt: nextWakeAt(state),
      revision: state.revision,
      startedAt: state.startedAt ?? state.updatedAt ?? '',
      updatedAt: state.updatedAt ?? '',
    };
  }

  /**
   * What the fold does not keep: the description (from the start input) and the last callback
   * activity. Null leaves the stored value as it is.
   */
  private fromEvents(
    stream: readonly RecordedEvent[],
  ): Pick<ProcessSummary, 'description' | 'lastCallbackAt' | 'lastCallbackKind'> {
    let description: string | null = null;
    let lastCallbackAt: string | null = null;
    let lastCallbackKind: CallbackActivityKind | null = null;
    for (const event of stream) {
      const kind = CALLBACK_ACTIVITY[event.type];
      if (kind) {
        lastCallbackAt = event.metadata.at;
        lastCallbackKind = kind;
      } else if (event.type === 'ProcessStarted' && event.revision === 0) {
        description = this.describe(
          event.data as { workflow: string; workflowVersion: number; input: JsonObject },
        );
      }
    }
    return { description, lastCallbackAt, lastCallbackKind };
  }

  private describe(start: {
    workflow: string;
    workflowVersion: number;
    input: JsonObject;
  }): string | null {
    try {
      const describe = this.registry.get(start.workflow, start.workflowVersion).describe;
      return describe ? describe(start.input).slice(0, 1000) : null;
    } catch {
      return null; // a retired workflow or a describe that throws: listed without a description
    }
  }

  /**
   * Remembered folds that the batch continues; the rest from the table, in one read. A process
   * whose batch starts at its first event needs neither (it starts from the initial state).
   */
  private async startingFolds(
    byProcess: Map<string, RecordedEvent[]>,
    beforeStoreRead?: () => Promise<void>,
  ): Promise<Map<string, ProcessState>> {
    const folds = new Map<string, ProcessState>();
    const missing: string[] = [];
    for (const [processId, stream] of byProcess) {
      const known = this.remembered.get(processId)?.state;
      if (known && known.revision >= stream[0].revision - 1) folds.set(processId, known);
      else if (stream[0].revision > 0) missing.push(processId);
    }
    if (missing.length > 0) {
      await beforeStoreRead?.();
      for (const [processId, fold] of await this.summaries.loadFolds(missing))
        folds.set(processId, fold);
    }
    return folds;
  }

  private stepNames(state: ProcessState): string[] {
    try {
      return this.registry.get(state.workflow, state.workflowVersion).steps.map((s) => s.name);
    } catch {
      return []; // a retired workflow version still lists, just without step names
    }
  }
}

const CALLBACK_ACTIVITY: Record<string, CallbackActivityKind | undefined> = {
  CallbackIssued: 'issued',
  CallbackActionCompleted: 'action_completed',
  CallbackProgressReported: 'progress',
  CallbackReceived: 'received',
  CallbackRejected: 'rejected',
  CallbackExpired: 'expired',
  CallbackRevoked: 'revoked',
};

/**
 * A parked process is listed (and counted) as `parked` until an operator retries it: the runner
 * has given up on it, whatever step it stood at. A finished process stays finished.
 */
const listedStatus = (state: ProcessState): ListedStatus =>
  state.parked && !FINAL_STATUSES.includes(state.status) ? 'parked' : state.status;

const groupByProcess = (events: readonly RecordedEvent[]): Map<string, RecordedEvent[]> => {
  const groups = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const processId = processIdOfStream(event.streamId);
    if (processId === null) continue;
    const group = groups.get(processId);
    if (group) group.push(event);
    else groups.set(processId, [event]);
  }
  return groups;
};

/** Skips what the fold already has (a redelivery); refuses to paper over a missing event. */
const applyInOrder = (fold: ProcessState, event: RecordedEvent): ProcessState => {
  if (event.revision <= fold.revision) return fold;
  if (event.revision !== fold.revision + 1) {
    throw new Error(
      `process summary of ${event.streamId} is at revision ${fold.revision} but got revision ${event.revision}`,
    );
  }
  return evolve(fold, toProcessEvent(event), event.metadata.at);
};
