/**
 * The callback audit: one row per token with everything that happened to it (issue, the
 * action's return, every progress report, the accepted callback, every refusal, expiry or
 * revocation). Events carry only the token's id and hash; the row keeps neither the token nor
 * its hash. Parking a process (ProcessParked/ProcessUnparked) changes no token, so its rows stay
 * as they were: the audit of a parked process reads as before it was parked.
 */
import { ProcessEvent, processIdOfStream } from '../../domain/process/events';
import { CallbackAuditRow, CallbackAuditStore } from '../ports/callback-audit';
import { RecordedEvent } from '../ports/event-store';
import { ContinuationMemory, revisionsByProcess } from './continuation-memory';
import { Derived, RowProjection } from './row-projection';

type CallbackEvent = Extract<ProcessEvent, { data: { tokenId: string } }>;

const CALLBACK_EVENTS = new Set<string>([
  'CallbackIssued',
  'CallbackActionCompleted',
  'CallbackProgressReported',
  'CallbackReceived',
  'CallbackRejected',
  'CallbackExpired',
  'CallbackRevoked',
]);

const isCallbackEvent = (event: RecordedEvent): boolean => CALLBACK_EVENTS.has(event.type);

export class CallbackAuditProjection extends RowProjection<CallbackAuditRow, CallbackAuditStore> {
  readonly name = 'callback-audit';
  readonly version = 1;

  /** Every token row of a process as written, so its next batch need not read them back. */
  private readonly memory = new ContinuationMemory<ReadonlyMap<string, CallbackAuditRow>>();

  protected over(store: CallbackAuditStore): CallbackAuditProjection {
    return new CallbackAuditProjection(store);
  }

  protected override forget(): void {
    this.memory.forget();
  }

  protected async derive(
    events: readonly RecordedEvent[],
    beforeStoreRead?: () => Promise<void>,
  ): Promise<Derived<CallbackAuditRow>> {
    const relevant = events.filter(isCallbackEvent);
    const spans = revisionsByProcess(events);
    // All token rows of a process, where known: remembered, or none (it starts in this batch).
    const known = new Map<string, Map<string, CallbackAuditRow>>();
    for (const [processId, span] of spans) {
      const remembered =
        span.first === 0 ? new Map() : this.memory.continuing(processId, span.first);
      if (remembered !== undefined) known.set(processId, new Map(remembered));
    }
    const issuedHere = new Set(
      relevant.filter((e) => e.type === 'CallbackIssued').map((e) => tokenIdOf(e)),
    );
    const earlier = [
      ...new Set(
        relevant
          .filter((e) => !known.has(processIdOfStream(e.streamId) ?? ''))
          .map(tokenIdOf)
          .filter((id) => !issuedHere.has(id)),
      ),
    ];
    if (earlier.length > 0) await beforeStoreRead?.();
    const rows = earlier.length > 0 ? await this.store.load(earlier) : new Map();
    const changed = new Map<string, CallbackAuditRow>();
    for (const event of relevant) {
      const tokenId = tokenIdOf(event);
      const ofProcess = known.get(processIdOfStream(event.streamId) ?? '');
      const before = changed.get(tokenId) ?? ofProcess?.get(tokenId) ?? rows.get(tokenId);
      const after = applyToRow(before, event);
      if (after !== before && after !== undefined) {
        changed.set(tokenId, after);
        ofProcess?.set(tokenId, after);
      }
    }
    return {
      rows: [...changed.values()],
      written: this.memory.rememberWhenWritten(known, spans),
    };
  }
}

const tokenIdOf = (event: RecordedEvent): string => (event.data as { tokenId: string }).tokenId;

/** The row after one event; the same row for an event it already reflects (a redelivery). */
export const applyToRow = (
  row: CallbackAuditRow | undefined,
  recorded: RecordedEvent,
): CallbackAuditRow | undefined => {
  const event = { type: recorded.type, data: recorded.data } as CallbackEvent;
  const at = recorded.metadata.at;
  const revision = recorded.revision;
  if (event.type === 'CallbackIssued') {
    if (row) return row;
    const processId = processIdOfStream(recorded.streamId);
    if (processId === null) return undefined;
    return {
      tokenId: event.data.tokenId,
      processId,
      stepIndex: event.data.index,
      stepName: event.data.name,
      status: 'issued',
      issuedAt: at,
      expiresAt: event.data.expiresAt,
      actionCompletedAt: null,
      progress: [],
      receivedAt: null,
      payload: null,
      rejections: [],
      expiredAt: null,
      revokedAt: null,
      revokedReason: null,
      revision,
    };
  }
  // Events of a token whose issue was never seen cannot be placed; the stream guarantees issue first.
  if (!row || revision <= row.revision) return row;
  const next = { ...row, revision };
  switch (event.type) {
    case 'CallbackActionCompleted':
      return { ...next, status: 'action_completed', actionCompletedAt: at };
    case 'CallbackProgressReported':
      return {
        ...next,
        progress: [...row.progress, { at, progress: event.data.progress }],
        expiresAt: event.data.expiresAt !== undefined ? event.data.expiresAt : row.expiresAt,
      };
    case 'CallbackReceived':
      return { ...next, status: 'received', receivedAt: at, payload: event.data.payload };
    case 'CallbackRejected':
      return {
        ...next,
        rejections: [
          ...row.rejections,
          { at, reason: event.data.reason, detail: event.data.detail },
        ],
      };
    case 'CallbackExpired':
      return { ...next, status: 'expired', expiredAt: at };
    case 'CallbackRevoked':
      return { ...next, status: 'revoked', revokedAt: at, revokedReason: event.data.reason };
    default:
      return row;
  }
};
