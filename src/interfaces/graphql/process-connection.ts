/**
 * The process list as a Relay connection. Cursors are the list's own keyset cursors, so paging
 * through GraphQL and REST behaves the same (stable while new processes start), and a cursor
 * from one works in the other for the same order.
 */
import {
  ProcessSummary,
  SummaryPage,
  SummaryQuery,
  SummarySort,
} from '../../application/ports/process-summaries';
import { ValidationError } from '../../domain/errors';
import { encodeCursor, sortKey } from '../../application/summaries/summary-cursor';
import { ProcessFilterInput, ProcessConnectionType } from './types/connection.types';
import { ProcessSummaryType } from './types/process.types';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;
/** GraphQL lists newest first, the REST list's default order; its cursors name that order. */
export const PROCESS_ORDER: SummarySort = '-startedAt';
/** As the REST list's query parameters. */
const MAX_FILTER_LENGTH = 200;

export const toSummaryNode = (s: ProcessSummary): ProcessSummaryType => ({ ...s, id: s.processId });

/** The list query for these arguments; a 4xx-style error for a page size out of range. */
export const summaryQuery = (
  filter: ProcessFilterInput | undefined,
  first: number,
  after: string | undefined,
): SummaryQuery => {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new ValidationError(`first must be between 1 and ${MAX_PAGE_SIZE}`, [
      { property: 'first', constraints: { range: `1 to ${MAX_PAGE_SIZE}` } },
    ]);
  }
  for (const property of ['workflow', 'assignee', 'q'] as const) {
    if ((filter?.[property]?.length ?? 0) > MAX_FILTER_LENGTH) {
      throw new ValidationError(
        `filter.${property} must be at most ${MAX_FILTER_LENGTH} characters`,
        [{ property, constraints: { maxLength: `at most ${MAX_FILTER_LENGTH} characters` } }],
      );
    }
  }
  return {
    status: filter?.status ?? undefined,
    workflow: filter?.workflow ?? undefined,
    assignee: filter?.assignee ?? undefined,
    q: filter?.q ?? undefined,
    sort: PROCESS_ORDER,
    limit: first,
    cursor: after ?? undefined,
  };
};

export const toConnection = (
  page: SummaryPage,
  after: string | undefined,
): ProcessConnectionType => {
  const edges = page.items.map((s) => ({
    node: toSummaryNode(s),
    cursor: encodeCursor(PROCESS_ORDER, sortKey(s, PROCESS_ORDER)),
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.nextCursor !== null,
      hasPreviousPage: after !== undefined && after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
};
