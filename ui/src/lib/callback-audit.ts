/**
 * The callback panel's data. The read side serves it as `GET /api/processes/{id}/callbacks`;
 * a service without that endpoint still has the events, and the same entries are derived from
 * them here (never showing the token's hash).
 */
import { get, getOptional } from './api';
import type { CallbackAuditEntry, HistoryEvent } from './types';

type Data = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : null);

export const auditFromEvents = (
  processId: string,
  events: HistoryEvent[],
): CallbackAuditEntry[] => {
  const byToken = new Map<string, CallbackAuditEntry>();
  for (const { type, data, metadata } of events) {
    const d = data as Data;
    const tokenId = str(d.tokenId);
    if (!tokenId) continue;
    if (type === 'CallbackIssued') {
      byToken.set(tokenId, {
        tokenId,
        processId,
        stepIndex: Number(d.index),
        stepName: String(d.name),
        status: 'issued',
        issuedAt: metadata.at,
        expiresAt: str(d.expiresAt),
        actionCompletedAt: null,
        progress: [],
        receivedAt: null,
        payload: null,
        rejections: [],
        expiredAt: null,
        revokedAt: null,
        revokedReason: null,
      });
      continue;
    }
    const entry = byToken.get(tokenId);
    if (!entry) continue;
    if (type === 'CallbackActionCompleted') {
      entry.actionCompletedAt = metadata.at;
      if (entry.status === 'issued') entry.status = 'action_completed';
    } else if (type === 'CallbackProgressReported') {
      entry.progress.push({ at: metadata.at, progress: d.progress });
      if (str(d.expiresAt)) entry.expiresAt = str(d.expiresAt);
    } else if (type === 'CallbackReceived') {
      Object.assign(entry, { status: 'received', receivedAt: metadata.at, payload: d.payload });
    } else if (type === 'CallbackRejected') {
      entry.rejections.push({
        at: metadata.at,
        reason: d.reason as CallbackAuditEntry['rejections'][number]['reason'],
        detail: String(d.detail ?? ''),
      });
    } else if (type === 'CallbackExpired') {
      Object.assign(entry, { status: 'expired', expiredAt: metadata.at });
    } else if (type === 'CallbackRevoked') {
      Object.assign(entry, { status: 'revoked', revokedAt: metadata.at, revokedReason: d.reason });
    }
  }
  return [...byToken.values()];
};

let endpointMissing = false;

/**
 * `seenRevision`: the process revision the page shows. The read model trails the process by a
 * batch; naming the revision makes the service answer once the callbacks show it too, so a page
 * told of a new progress line never settles on the rows from before it.
 */
export const loadCallbackAudit = async (
  processId: string,
  seenRevision?: number,
): Promise<CallbackAuditEntry[]> => {
  if (!endpointMissing) {
    const query = seenRevision === undefined ? '' : `?revision=${seenRevision}`;
    const served = await getOptional<CallbackAuditEntry[]>(
      `/api/processes/${processId}/callbacks${query}`,
    );
    if (served) return served;
    endpointMissing = true;
  }
  const events = await get<HistoryEvent[]>(`/api/processes/${processId}/events`);
  return auditFromEvents(processId, events);
};
