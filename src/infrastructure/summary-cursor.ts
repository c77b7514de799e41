import { ValidationError } from '../domain/errors';

/** Keyset cursor (newest first): stable under inserts, unlike offsets. */
export interface SummaryCursor {
  startedAt: string;
  processId: string;
}

export const encodeCursor = (c: SummaryCursor): string =>
  Buffer.from(JSON.stringify([c.startedAt, c.processId])).toString('base64url');

export const decodeCursor = (cursor: string): SummaryCursor => {
  try {
    const [startedAt, processId] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as unknown[];
    if (typeof startedAt === 'string' && typeof processId === 'string')
      return { startedAt, processId };
  } catch {
    // fall through to the one error below
  }
  throw new ValidationError('Invalid cursor', [
    { property: 'cursor', constraints: { isCursor: 'cursor is not one this API issued' } },
  ]);
};
