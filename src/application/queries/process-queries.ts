import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '../../domain/errors';
import { JsonObject } from '../../domain/process/events';
import { ProcessState, ProcessStatus } from '../../domain/process/state';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { RecordedEvent } from '../ports/event-store';
import {
  PROCESS_SUMMARY_STORE,
  ProcessSummaryStore,
  SummaryPage,
  SummaryQuery,
} from '../ports/process-summaries';
import { foldRecorded } from '../folding/recorded-events';
import { ProcessRepository } from '../process/process-repository';
import { ProcessDetail, describeProcess } from './process-detail';

export class GetProcessQuery extends Query<ProcessDetail> {
  constructor(
    readonly processId: string,
    /**
     * Someone who has just seen this revision (a live change) must not be shown an older one:
     * the cache may not hold it yet, its writer being still on its way back from the append.
     */
    readonly atLeastRevision?: number,
    /** A long poll: when the process is still at this revision, wait up to `timeoutMs` for it to move. */
    readonly waitPast?: { revision: number; timeoutMs: number; signal?: AbortSignal },
  ) {
    super();
  }
}

@QueryHandler(GetProcessQuery)
export class GetProcessHandler implements IQueryHandler<GetProcessQuery, ProcessDetail> {
  /**
   * Status polls ask for the same revision many times: describe each folded state once. Folds
   * are immutable and replaced on every change, so identity is a safe key.
   */
  private readonly described = new WeakMap<ProcessState, ProcessDetail>();

  constructor(
    private readonly repository: ProcessRepository,
    private readonly registry: WorkflowRegistry,
  ) {}

  async execute(query: GetProcessQuery): Promise<ProcessDetail> {
    let { state, events } =
      query.atLeastRevision === undefined
        ? await this.repository.read(query.processId)
        : await this.repository.loadAtLeast(query.processId, query.atLeastRevision);
    if (state.revision < 0) throw new NotFoundError('Process not found');
    const wait = query.waitPast;
    if (wait !== undefined && state.revision === wait.revision) {
      await this.repository.waitForChange(
        query.processId,
        wait.revision,
        wait.timeoutMs,
        wait.signal,
      );
      ({ state, events } = await this.repository.read(query.processId));
    }
    const known = this.described.get(state);
    if (known) return known;
    // A process whose workflow version this deployment lacks is still shown (parked, with the
    // reason): only its step list, which comes from the definition, is empty.
    const steps = this.registry.find(state.workflow, state.workflowVersion)?.steps ?? [];
    const detail = describeProcess(steps, events, state);
    this.described.set(state, detail);
    return detail;
  }
}

export class ListProcessesQuery extends Query<SummaryPage> {
  constructor(readonly filter: SummaryQuery) {
    super();
  }
}

@QueryHandler(ListProcessesQuery)
export class ListProcessesHandler implements IQueryHandler<ListProcessesQuery, SummaryPage> {
  constructor(@Inject(PROCESS_SUMMARY_STORE) private readonly summaries: ProcessSummaryStore) {}

  execute(query: ListProcessesQuery): Promise<SummaryPage> {
    return this.summaries.list(query.filter);
  }
}

/** The full history, for auditors: every event with its revision, position and metadata. */
export class GetProcessEventsQuery extends Query<RecordedEvent[]> {
  constructor(readonly processId: string) {
    super();
  }
}

@QueryHandler(GetProcessEventsQuery)
export class GetProcessEventsHandler implements IQueryHandler<
  GetProcessEventsQuery,
  RecordedEvent[]
> {
  constructor(private readonly repository: ProcessRepository) {}

  async execute(query: GetProcessEventsQuery): Promise<RecordedEvent[]> {
    const { events } = await this.repository.load(query.processId);
    if (events.length === 0) throw new NotFoundError('Process not found');
    return events;
  }
}

export interface StateAtRevision {
  id: string;
  revision: number;
  status: ProcessStatus;
  state: JsonObject;
  at: string;
}

export class GetStateAtRevisionQuery extends Query<StateAtRevision> {
  constructor(
    readonly processId: string,
    readonly revision: number,
  ) {
    super();
  }
}

@QueryHandler(GetStateAtRevisionQuery)
export class GetStateAtRevisionHandler implements IQueryHandler<
  GetStateAtRevisionQuery,
  StateAtRevision
> {
  constructor(private readonly repository: ProcessRepository) {}

  async execute(query: GetStateAtRevisionQuery): Promise<StateAtRevision> {
    const { events } = await this.repository.load(query.processId);
    if (events.length === 0) throw new NotFoundError('Process not found');
    if (query.revision >= events.length) {
      throw new NotFoundError(
        `Process has no revision ${query.revision}; its last is ${events.length - 1}`,
      );
    }
    const prefix = events.slice(0, query.revision + 1);
    const s = foldRecorded(prefix);
    return {
      id: query.processId,
      revision: s.revision,
      status: s.status,
      state: s.state,
      at: prefix[prefix.length - 1].metadata.at,
    };
  }
}
