import { ProcessSummary, SummarySort } from '../ports/process-summaries';
import { ValidationError } from '../../domain/errors';
import { isUuid } from '../../domain/uuid';

/** Keyset cursor: the sort it belongs to and the last row's key. Stable under inserts. */
export interface SummaryCursor {
  at: string;
  processId: string;
}

export const sortKey = (summary: ProcessSummary, sort: SummarySort): SummaryCursor => ({
  at: sort.endsWith('updatedAt') ? summary.updatedAt : summary.startedAt,
  processId: summary.processId,
});

export const encodeCursor = (sort: SummarySort, c: SummaryCursor): string =>
  Buffer.from(JSON.stringify([sort, c.at, c.processId])).toString('base64url');

export const decodeCursor = (cursor: string, sort: SummarySort): SummaryCursor => {
  let issuedFor: unknown;
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const [cursorSort, at, processId] = parts;
    issuedFor = cursorSort;
    // Both parts reach SQL as typed parameters: a malformed one must be a 400, not a 500.
    const validTime = typeof at === 'string' && !Number.isNaN(Date.parse(at));
    if (cursorSort === sort && validTime && typeof processId === 'string' && isUuid(processId))
      return { at, processId };
  } catch {
    // fall through to the one error below
  }
  const message =
    typeof issuedFor === 'string' && issuedFor !== sort
      ? `cursor belongs to sort ${issuedFor}, not ${sort}`
      : 'cursor is not one this API issued';
  throw new ValidationError('Invalid cursor', [
    { property: 'cursor', constraints: { isCursor: message } },
  ]);
};
