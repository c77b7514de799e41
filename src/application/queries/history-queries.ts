/** Auditors' queries: the hash chain's verdict and the full audit report, read from the store. */
import { Inject, Optional } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { AuditReport, auditProcess, verifyProcess } from '../history/audit-report';
import { ChainVerdict } from '../history/chain-verdict';
import { EVENT_STORE, EventStore } from '../ports/event-store';
import { LEDGER_STORE, LedgerStore } from '../ports/ledger-store';
import { StreamLedgerCheck } from '../ledger/stream-ledger-check';

export type ProcessVerdict = ChainVerdict & { processId: string; ledger?: StreamLedgerCheck };

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
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(LEDGER_STORE) private readonly ledger?: LedgerStore,
  ) {}

  execute(query: VerifyProcessHistoryQuery): Promise<ProcessVerdict> {
    return verifyProcess(this.store, query.processId, this.ledger);
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
