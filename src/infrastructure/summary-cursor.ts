import { ValidationError } from '../domain/errors';

/** Keyset cursor (newest first): stable under inserts, unlike offsets. */
export interface SummaryCursor {
  startedAt: string;
  processId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const encodeCursor = (c: SummaryCursor): string =>
  Buffer.from(JSON.stringify([c.startedAt, c.processId])).toString('base64url');

export const decodeCursor = (cursor: string): SummaryCursor => {
  try {
    const [startedAt, processId] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as unknown[];
    // Both parts reach SQL as typed parameters: a malformed one must be a 400, not a 500.
    const validTime = typeof startedAt === 'string' && !Number.isNaN(Date.parse(startedAt));
    if (validTime && typeof processId === 'string' && UUID.test(processId))
      return { startedAt, processId };
  } catch {
    // fall through to the one error below
  }
  throw new ValidationError('Invalid cursor', [
    { property: 'cursor', constraints: { isCursor: 'cursor is not one this API issued' } },
  ]);
};
