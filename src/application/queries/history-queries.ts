/** Auditors' queries: the hash chain's verdict and the full audit report, read from the store. */
import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { AuditReport, auditProcess, verifyProcess } from '../history/audit-report';
import { ChainVerdict } from '../history/chain-verdict';
import { EVENT_STORE, EventStore } from '../ports/event-store';

export type ProcessVerdict = ChainVerdict & { processId: string };

export class VerifyProcessHistoryQuery extends Query<ProcessVerdict> {
  constructor(readonly processId: string) {
    super();
  }
}

@QueryHandler(VerifyProcessHistoryQuery)
export class VerifyProcessHistoryHandler implements IQueryHandler<
  VerifyProcessHistoryQuery,
  ProcessVerdict
> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute(query: VerifyProcessHistoryQuery): Promise<ProcessVerdict> {
    return verifyProcess(this.store, query.processId);
  }
}

export class GetProcessAuditQuery extends Query<AuditReport> {
  constructor(readonly processId: string) {
    super();
  }
}

@QueryHandler(GetProcessAuditQuery)
export class GetProcessAuditHandler implements IQueryHandler<GetProcessAuditQuery, AuditReport> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute(query: GetProcessAuditQuery): Promise<AuditReport> {
    return auditProcess(this.store, query.processId);
  }
}
