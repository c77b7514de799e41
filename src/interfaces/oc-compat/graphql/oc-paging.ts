/**
 * OC's list arguments: offset paging (`first`, `after` = how many to skip), `sortBy`,
 * `filterBy` with `-` or `|` between alternatives, and the `pageInfo` every list answers with.
 */
import { GraphQLError } from 'graphql';

export interface OcSort {
  field: string;
  order: 'ASC' | 'DESC';
}

export interface OcFilter {
  field: string;
  value: string;
}

export interface OcListArgs {
  first: number;
  after: number;
  sortBy?: OcSort[] | null;
  filterBy?: OcFilter[] | null;
  query?: string | null;
}

/** The most one page may hold; OC's UI exports ask for large pages. */
export const MAX_PAGE = 1000;

export const badInput = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

export const checkPaging = (args: OcListArgs): void => {
  if (!Number.isInteger(args.first) || args.first < 0 || args.first > MAX_PAGE)
    throw badInput(`first must be between 0 and ${MAX_PAGE}`);
  if (!Number.isInteger(args.after) || args.after < 0) throw badInput('after must be 0 or more');
};

/**
 * The alternatives of a filter value. Values that may contain a dash themselves (ids) are split
 * on `|` only.
 */
export const alternatives = (value: string, dashIsOr = true): string[] =>
  value
    .split(dashIsOr ? /[-|]/ : /\|/)
    .map((v) => v.trim())
    .filter((v) => v.length > 0);

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: number | null;
  endCursor: number | null;
  totalItems: number;
  sortFields: string[];
  filterFields: string[];
}

export const pageInfo = (
  args: OcListArgs,
  shown: number,
  totalItems: number,
  fields: { sortFields: string[]; filterFields: string[] },
): PageInfo => ({
  hasNextPage: args.after + shown < totalItems,
  hasPreviousPage: args.after > 0,
  startCursor: shown > 0 ? args.after : null,
  endCursor: shown > 0 ? args.after + shown - 1 : null,
  totalItems,
  ...fields,
});

/** Filters grouped by field (upper/lower case as sent), refusing fields the list cannot filter on. */
export const filtersByField = (
  filters: readonly OcFilter[] | null | undefined,
  known: readonly string[],
): Map<string, string[]> => {
  const byField = new Map<string, string[]>();
  for (const f of filters ?? []) {
    if (!known.includes(f.field))
      throw badInput(`Cannot filter on ${f.field}; filterable: ${known.join(', ')}`);
    const values = alternatives(f.value, f.field !== 'processId');
    // Two filters on one field must both hold: keep what both allow.
    const before = byField.get(f.field);
    byField.set(f.field, before ? before.filter((v) => values.includes(v)) : values);
  }
  return byField;
};
