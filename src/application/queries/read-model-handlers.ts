/**
 * Handlers of the read-side contract (read-model-queries.ts) and the step log, answered from
 * the read models alone. Ids that are not UUIDs cannot name a process: they are unknown, never
 * an error from the database.
 */
import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '../../domain/errors';
import {
  CALLBACK_AUDIT_STORE,
  CallbackAuditRow,
  CallbackAuditStore,
} from '../ports/callback-audit';
import { PROCESS_SUMMARY_STORE, ProcessSummaryStore } from '../ports/process-summaries';
import { STEP_LOG_STORE, StepExecution, StepLogStore } from '../ports/step-log';
import { ProcessRepository } from '../process/process-repository';
import {
  CallbackAuditEntry,
  GetCallbacksOfProcessesQuery,
  GetProcessCallbacksQuery,
  GetProcessCountsQuery,
  ProcessCounts,
} from './read-model-queries';
import { isUuid } from '../../domain/uuid';
import { ReadModelFreshness } from './read-model-freshness';

const entryOf = ({ revision: _revision, ...entry }: CallbackAuditRow): CallbackAuditEntry => entry;

/** A process the read model has nothing about may still exist (no callback yet, or lag). */
const requireProcess = async (repository: ProcessRepository, processId: string) => {
  if (!isUuid(processId) || (await repository.read(processId)).state.revision < 0)
    throw new NotFoundError('Process not found');
};

@QueryHandler(GetProcessCallbacksQuery)
export class GetProcessCallbacksHandler implements IQueryHandler<
  GetProcessCallbacksQuery,
  CallbackAuditEntry[]
> {
  constructor(
    @Inject(CALLBACK_AUDIT_STORE) private readonly audit: CallbackAuditStore,
    private readonly repository: ProcessRepository,
    private readonly freshness: ReadModelFreshness,
  ) {}

  async execute({
    processId,
    seenRevision,
  }: GetProcessCallbacksQuery): Promise<CallbackAuditEntry[]> {
    if (seenRevision !== undefined)
      await this.freshness.showsRevision('callback-audit', processId, seenRevision);
    const rows = isUuid(processId)
      ? ((await this.audit.ofProcesses([processId])).get(processId) ?? [])
      : [];
    if (rows.length === 0) await requireProcess(this.repository, processId);
    return rows.map(entryOf);
  }
}

@QueryHandler(GetCallbacksOfProcessesQuery)
export class GetCallbacksOfProcessesHandler implements IQueryHandler<
  GetCallbacksOfProcessesQuery,
  Map<string, CallbackAuditEntry[]>
> {
  constructor(@Inject(CALLBACK_AUDIT_STORE) private readonly audit: CallbackAuditStore) {}

  async execute({
    processIds,
  }: GetCallbacksOfProcessesQuery): Promise<Map<string, CallbackAuditEntry[]>> {
    const valid = [...new Set(processIds.filter((id) => isUuid(id)))];
    const found = await this.audit.ofProcesses(valid);
    return new Map(processIds.map((id) => [id, (found.get(id) ?? []).map(entryOf)]));
  }
}

@QueryHandler(GetProcessCountsQuery)
export class GetProcessCountsHandler implements IQueryHandler<
  GetProcessCountsQuery,
  ProcessCounts
> {
  constructor(@Inject(PROCESS_SUMMARY_STORE) private readonly summaries: ProcessSummaryStore) {}

  execute(): Promise<ProcessCounts> {
    return this.summaries.counts();
  }
}

export type StepLogEntry = Omit<StepExecution, 'processId' | 'revision'>;

/** Every execution of every step of one process, in order; NotFoundError for an unknown one. */
export class GetStepLogQuery extends Query<StepLogEntry[]> {
  constructor(
    readonly processId: string,
    /** The process revision the caller has seen: the answer shows at least that (bounded wait). */
    readonly seenRevision?: number,
  ) {
    super();
  }
}

@QueryHandler(GetStepLogQuery)
export class GetStepLogHandler implements IQueryHandler<GetStepLogQuery, StepLogEntry[]> {
  constructor(
    @Inject(STEP_LOG_STORE) private readonly log: StepLogStore,
    private readonly repository: ProcessRepository,
    private readonly freshness: ReadModelFreshness,
  ) {}

  async execute({ processId, seenRevision }: GetStepLogQuery): Promise<StepLogEntry[]> {
    if (seenRevision !== undefined)
      await this.freshness.showsRevision('step-log', processId, seenRevision);
    const rows = isUuid(processId) ? await this.log.ofProcess(processId) : [];
    if (rows.length === 0) await requireProcess(this.repository, processId);
    return rows.map(({ processId: _p, revision: _r, ...entry }) => entry);
  }
}
