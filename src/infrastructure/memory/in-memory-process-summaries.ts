import { ProcessState, ProcessStatus } from '../../domain/process/state';
import {
  ProcessSummary,
  ProcessSummaryStore,
  SummaryChange,
  SummaryPage,
  SummaryQuery,
} from '../../application/ports/process-summaries';
import { decodeCursor, encodeCursor } from '../summary-cursor';

/** The process list read model for unit tests; same ordering and paging as the table. */
export class InMemoryProcessSummaryStore implements ProcessSummaryStore {
  private readonly rows = new Map<string, ProcessSummary>();
  private readonly folds = new Map<string, ProcessState>();
  private position = 0;

  async appliedPosition(): Promise<number> {
    return this.position;
  }

  async loadFolds(processIds: readonly string[]): Promise<Map<string, ProcessState>> {
    const found = new Map<string, ProcessState>();
    for (const id of processIds) {
      const fold = this.folds.get(id);
      if (fold) found.set(id, structuredClone(fold));
    }
    return found;
  }

  async applyBatch(changes: readonly SummaryChange[], position: number | null): Promise<void> {
    for (const { summary, fold } of changes) {
      const existing = this.rows.get(summary.processId);
      if (existing && existing.revision >= summary.revision) continue;
      this.rows.set(summary.processId, summary);
      this.folds.set(summary.processId, structuredClone(fold));
    }
    if (position !== null) this.position = position;
  }

  async reset(): Promise<void> {
    this.rows.clear();
    this.folds.clear();
    this.position = 0;
  }

  async list(query: SummaryQuery): Promise<SummaryPage> {
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const matching = [...this.rows.values()]
      .filter(
        (r) =>
          (!query.status || r.status === query.status) &&
          (!query.workflow || r.workflow === query.workflow),
      )
      .sort(
        (a, b) => b.startedAt.localeCompare(a.startedAt) || b.processId.localeCompare(a.processId),
      )
      .filter(
        (r) =>
          !after ||
          r.startedAt < after.startedAt ||
          (r.startedAt === after.startedAt && r.processId < after.processId),
      );
    const items = matching.slice(0, query.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: matching.length > query.limit && last ? encodeCursor(last) : null };
  }

  async countByStatus(): Promise<Partial<Record<ProcessStatus, number>>> {
    const counts: Partial<Record<ProcessStatus, number>> = {};
    for (const { status } of this.rows.values()) counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  }
}
