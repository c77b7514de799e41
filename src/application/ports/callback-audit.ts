import { ReadModelStore } from './read-model-store';
import { CallbackAuditEntry } from '../queries/read-model-queries';

/** One token's audit row as stored: the contract's entry plus the revision it reflects. */
export interface CallbackAuditRow extends CallbackAuditEntry {
  /** Revision (in the process stream) of the last event applied to this row. */
  revision: number;
}

export interface CallbackAuditStore extends ReadModelStore<CallbackAuditRow> {
  /** Stored rows of these tokens (absent: not stored yet). */
  load(tokenIds: readonly string[]): Promise<Map<string, CallbackAuditRow>>;
  /** Every token of these processes, oldest first, in one read. */
  ofProcesses(processIds: readonly string[]): Promise<Map<string, CallbackAuditRow[]>>;
}

export const CALLBACK_AUDIT_STORE = Symbol('CallbackAuditStore');
