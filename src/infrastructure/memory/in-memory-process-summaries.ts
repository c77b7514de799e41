import {
  ProcessSummary,
  ProcessSummaryStore,
  SummaryChange,
  SummaryPage,
  SummaryQuery,
  searchWords,
} from '../../application/ports/process-summaries';
import { ListedStatus, ProcessCounts } from '../../application/queries/read-model-queries';
import { ProcessState } from '../../domain/process/state';
import { countsFromRows } from '../../application/summaries/process-counts';
import { decodeCursor, encodeCursor, sortKey } from '../../application/summaries/summary-cursor';
import { InMemoryReadModel } from './in-memory-read-model';

type StoredChange = SummaryChange & { revision: number };

/** The process list read model in memory; same filters, ordering and paging as the table. */
export class InMemoryProcessSummaryStore
  extends InMemoryReadModel<StoredChange>
  implements ProcessSummaryStore
{
  private tally = new Map<string, number>();

  protected keyOf(row: StoredChange): string {
    return row.summary.processId;
  }

  protected fresh(): this {
    return new InMemoryProcessSummaryStore() as this;
  }

  override write(changes: readonly SummaryChange[], to: number | null): Promise<void> {
    return super.write(
      changes.map((c) => ({ ...c, revision: c.summary.revision })),
      to,
    );
  }

  protected override merged(existing: StoredChange | undefined, row: StoredChange): StoredChange {
    if (!existing) return row;
    const before = existing.summary;
    const s = row.summary;
    return {
      ...row,
      summary: {
        ...s,
        description: s.description ?? before.description,
        lastCallbackAt: s.lastCallbackAt ?? before.lastCallbackAt,
        lastCallbackKind: s.lastCallbackKind ?? before.lastCallbackKind,
      },
    };
  }

  protected override replaced(before: StoredChange | undefined, after: StoredChange): void {
    if (before) this.count(before.summary, -1);
    this.count(after.summary, 1);
  }

  protected override adopt(other: this): void {
    super.adopt(other);
    this.tally = other.tally;
  }

  private count(s: ProcessSummary, n: number): void {
    const key = JSON.stringify([s.workflow, s.status]);
    this.tally.set(key, (this.tally.get(key) ?? 0) + n);
  }

  async loadFolds(processIds: readonly string[]): Promise<Map<string, ProcessState>> {
    const found = new Map<string, ProcessState>();
    for (const id of processIds) {
      const row = this.rows.get(id);
      if (row) found.set(id, structuredClone(row.fold));
    }
    return found;
  }

  async counts(): Promise<ProcessCounts> {
    return countsFromRows(
      [...this.tally].map(([key, n]) => {
        const [workflow, status] = JSON.parse(key) as [string, ListedStatus];
        return { workflow, status, n };
      }),
    );
  }

  async list(query: SummaryQuery): Promise<SummaryPage> {
    const sort = query.sort ?? '-startedAt';
    const descending = sort.startsWith('-');
    const after = query.cursor ? decodeCursor(query.cursor, sort) : null;
    const words = query.q ? searchWords(query.q) : [];
    const compare = (a: ProcessSummary, b: ProcessSummary) => {
      const ka = sortKey(a, sort);
      const kb = sortKey(b, sort);
      const order = ka.at.localeCompare(kb.at) || ka.processId.localeCompare(kb.processId);
      return descending ? -order : order;
    };
    const matching = [...this.rows.values()]
      .map((r) => r.summary)
      .filter(
        (r) =>
          (!query.status || r.status === query.status) &&
          (!query.workflow || r.workflow === query.workflow) &&
          (!query.assignee || r.assignee === query.assignee) &&
          matchesWords(r, words),
      )
      .sort(compare)
      .filter((r) => {
        if (!after) return true;
        const k = sortKey(r, sort);
        const order = k.at.localeCompare(after.at) || k.processId.localeCompare(after.processId);
        return descending ? order < 0 : order > 0;
      });
    const items = matching.slice(0, query.limit).map((r) => structuredClone(r));
    const last = items[items.length - 1];
    return {
      items,
      nextCursor:
        matching.length > query.limit && last ? encodeCursor(sort, sortKey(last, sort)) : null,
    };
  }
}

/** Every word must begin a word of the workflow name or description (as the table's search). */
const matchesWords = (summary: ProcessSummary, words: readonly string[]): boolean => {
  if (words.length === 0) return true;
  const haystack = searchWords(`${summary.workflow} ${summary.description ?? ''}`, Infinity);
  return words.every((w) => haystack.some((h) => h.startsWith(w)));
};
