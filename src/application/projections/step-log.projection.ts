/**
 * The step log: one row per execution of a step (index, name, status, start, finish, duration,
 * the state delta it produced, its error). Steps run one at a time, so a process has at most
 * one unfinished execution, always its latest row: that row (if stored) is all a batch needs.
 */
import { ProcessEvent, processIdOfStream, processStreamId } from '../../domain/process/events';
import { RecordedEvent } from '../ports/event-store';
import { StepExecution, StepExecutionStatus, StepLogStore } from '../ports/step-log';
import { ContinuationMemory, revisionsByProcess } from './continuation-memory';
import { Derived, RowProjection } from './row-projection';

const STEP_EVENTS = new Set<string>([
  'StepCompleted',
  'StepSkipped',
  'StepFailed',
  'CallbackIssued',
  'CallbackReceived',
  'InputRequested',
  'ProcessAborted',
  'ProcessParked',
  'ProcessUnparked',
]);

export class StepLogProjection extends RowProjection<StepExecution, StepLogStore> {
  readonly name = 'step-log';
  readonly version = 1;

  /** Each process's latest execution as written (null: none yet), so batches need not read it. */
  private readonly memory = new ContinuationMemory<StepExecution | null>();

  protected over(store: StepLogStore): StepLogProjection {
    return new StepLogProjection(store);
  }

  protected override forget(): void {
    this.memory.forget();
  }

  protected async derive(
    events: readonly RecordedEvent[],
    beforeStoreRead?: () => Promise<void>,
  ): Promise<Derived<StepExecution>> {
    const relevant = events.filter((e) => STEP_EVENTS.has(e.type));
    const touched = new Set(relevant.map((e) => e.streamId));
    const spans = revisionsByProcess(events);
    // The latest execution of each process of the batch, where known: remembered, none (its
    // first event is in this batch), or read from the store (only if a step event needs it).
    const latest = new Map<string, StepExecution | null>();
    const unknown: string[] = [];
    for (const [processId, span] of spans) {
      const remembered = span.first === 0 ? null : this.memory.continuing(processId, span.first);
      if (remembered !== undefined) latest.set(processId, remembered);
      else if (touched.has(processStreamId(processId))) unknown.push(processId);
    }
    if (unknown.length > 0) {
      await beforeStoreRead?.();
      const stored = await this.store.latest(unknown);
      for (const processId of unknown) latest.set(processId, stored.get(processId) ?? null);
    }
    const changed = new Map<string, StepExecution>();
    for (const event of relevant) {
      const processId = processIdOfStream(event.streamId);
      if (processId === null) continue;
      const last = latest.get(processId) ?? undefined;
      if (last && event.revision <= last.revision) continue; // already applied
      for (const row of applyToLog(processId, last, event)) {
        changed.set(`${processId}/${row.seq}`, row);
        const newest = latest.get(processId);
        if (!newest || row.seq >= newest.seq) latest.set(processId, row);
      }
    }
    return {
      rows: [...changed.values()],
      written: this.memory.rememberWhenWritten(latest, spans),
    };
  }
}

const isOpen = (row: StepExecution | undefined): row is StepExecution =>
  row !== undefined && row.finishedAt === null;

const durationBetween = (from: string, to: string): number =>
  Math.max(0, Date.parse(to) - Date.parse(from));

/** The rows one event writes: the latest execution closed or changed, and/or a new one. */
const applyToLog = (
  processId: string,
  last: StepExecution | undefined,
  recorded: RecordedEvent,
): StepExecution[] => {
  const event = { type: recorded.type, data: recorded.data } as ProcessEvent;
  const at = recorded.metadata.at;
  const revision = recorded.revision;
  const open = isOpen(last) ? last : undefined;
  const fresh = (
    index: number,
    name: string,
    status: StepExecutionStatus,
    startedAt = at,
  ): StepExecution => ({
    processId,
    seq: revision,
    index,
    name,
    status,
    startedAt,
    finishedAt: null,
    durationMs: null,
    delta: null,
    removedKeys: [],
    error: null,
    revision,
  });
  const finish = (row: StepExecution, status: StepExecutionStatus): StepExecution => ({
    ...row,
    status,
    finishedAt: at,
    durationMs: durationBetween(row.startedAt, at),
    revision,
  });
  /** An execution that started earlier ends now; one that did not is opened by its last event. */
  const ended = (index: number, name: string, startedAt = at): StepExecution =>
    open && open.index === index ? open : fresh(index, name, 'running', startedAt);
  /** A new execution while another was left open (a re-issue after a crash) ends the other. */
  const interrupted = open ? [finish(open, 'interrupted')] : [];
  switch (event.type) {
    case 'StepCompleted': {
      const row = ended(event.data.index, event.data.name, event.data.startedAt);
      const done = finish(row, 'completed');
      const own = row === open ? done.durationMs : event.data.durationMs;
      return [
        { ...done, durationMs: own, delta: event.data.delta, removedKeys: event.data.removedKeys },
      ];
    }
    case 'StepSkipped':
      return [finish(fresh(event.data.index, event.data.name, 'skipped'), 'skipped')];
    case 'StepFailed': {
      const row = ended(event.data.index, event.data.name);
      return [{ ...finish(row, 'failed'), error: event.data.error }];
    }
    case 'CallbackIssued':
      return [...interrupted, fresh(event.data.index, event.data.name, 'awaiting_callback')];
    case 'InputRequested':
      return [...interrupted, fresh(event.data.index, event.data.name, 'suspended')];
    case 'CallbackReceived':
      return open ? [{ ...open, status: 'running', revision }] : [];
    case 'ProcessAborted':
      return open ? [finish(open, 'aborted')] : [];
    // Parking leaves the execution open: a retry hands the process back to the runner, which
    // drives that step again; its next event says what it is doing (running until then).
    case 'ProcessParked':
      return open ? [{ ...open, status: 'parked', revision }] : [];
    case 'ProcessUnparked':
      return open?.status === 'parked' ? [{ ...open, status: 'running', revision }] : [];
    default:
      return [];
  }
};
