/**
 * OC's `processes(first, after, sortBy, filterBy, query)` over Baton's process list read model.
 * Alternatives in a filter (`failed-suspended`) become one read-model query per combination,
 * merged in the requested order; the total comes from the counts read model when it can answer
 * (status and workflow filters) and from walking the matching rows otherwise.
 */
import { QueryBus } from '@nestjs/cqrs';
import { ProcessSummary, searchWords } from '../../../application/ports/process-summaries';
import { GetProcessQuery, ListProcessesQuery } from '../../../application/queries/process-queries';
import {
  GetProcessCountsQuery,
  ListedStatus,
  ProcessCounts,
} from '../../../application/queries/read-model-queries';
import { NotFoundError } from '../../../domain/errors';
import { WorkflowRegistry } from '../../../domain/workflow/registry';
import { batonStatusesOf } from '../oc-statuses';
import { OcListArgs, badInput, filtersByField } from './oc-paging';

export const PROCESS_FILTER_FIELDS = [
  'processId',
  'lastStatus',
  'workflowName',
  'workflowTarget',
  'isTask',
  'assignee',
];
export const PROCESS_SORT_FIELDS = ['startedAt', 'lastModifiedAt'];

/** Combinations of alternatives one search may fan out to. */
const MAX_BRANCHES = 64;
/** Rows walked at most to count a search the counts read model cannot answer. */
export const MAX_COUNTED = 10_000;
const READ_PAGE = 200;

export type OcProcessRow = Pick<
  ProcessSummary,
  | 'processId'
  | 'workflow'
  | 'workflowVersion'
  | 'status'
  | 'currentStep'
  | 'assignee'
  | 'failedReason'
  | 'startedAt'
  | 'updatedAt'
>;

interface Branch {
  status?: ListedStatus;
  workflow?: string;
  assignee?: string;
}

const combinations = <T>(values: T[] | undefined): Array<T | undefined> => values ?? [undefined];

export class OcProcessSearch {
  constructor(
    private readonly queries: QueryBus,
    private readonly registry: WorkflowRegistry,
  ) {}

  async search(args: OcListArgs): Promise<{ rows: OcProcessRow[]; totalItems: number }> {
    const filters = filtersByField(args.filterBy, PROCESS_FILTER_FIELDS);
    const sort = this.sortOf(args);
    const isTask = filters.get('isTask')?.map((v) => v.toLowerCase());
    // Baton has no tasks: a filter that wants only tasks finds nothing.
    if (isTask && !isTask.includes('false')) return { rows: [], totalItems: 0 };
    const statuses = filters.get('lastStatus')
      ? [...new Set(filters.get('lastStatus')!.flatMap((s) => batonStatusesOf(s.toLowerCase())))]
      : undefined;
    const workflows = this.workflowsOf(filters.get('workflowName'), filters.get('workflowTarget'));
    const assignees = filters.get('assignee');
    const ids = filters.get('processId');
    if ([statuses, workflows, assignees, ids].some((f) => f !== undefined && f.length === 0))
      return { rows: [], totalItems: 0 };
    if (ids) return this.byIds(ids, { statuses, workflows, assignees }, args, sort);

    const branches: Branch[] = [];
    for (const status of combinations(statuses))
      for (const workflow of combinations(workflows))
        for (const assignee of combinations(assignees))
          branches.push({ status, workflow, assignee });
    if (branches.length > MAX_BRANCHES)
      throw badInput(`The filter has ${branches.length} combinations; at most ${MAX_BRANCHES}`);
    const q = args.query?.trim() || undefined;
    const need = args.after + args.first;
    const fetched = await Promise.all(branches.map((b) => this.collect(b, q, sort.store, need)));
    const rows = fetched
      .flatMap((f) => f.rows)
      .sort(sort.compare)
      .slice(args.after, need);
    const countable = q === undefined && assignees === undefined;
    const totalItems = countable
      ? this.fromCounts(await this.queries.execute(new GetProcessCountsQuery()), branches)
      : (await Promise.all(branches.map((b) => this.collect(b, q, sort.store, MAX_COUNTED))))
          .map((f) => f.rows.length)
          .reduce((a, b) => a + b, 0);
    return { rows, totalItems };
  }

  private sortOf(args: OcListArgs) {
    const [first] = args.sortBy ?? [];
    const field = first?.field ?? 'startedAt';
    if (!PROCESS_SORT_FIELDS.includes(field))
      throw badInput(`Cannot sort on ${field}; sortable: ${PROCESS_SORT_FIELDS.join(', ')}`);
    const key = field === 'startedAt' ? 'startedAt' : 'updatedAt';
    const descending = (first?.order ?? 'DESC') === 'DESC';
    const compare = (a: OcProcessRow, b: OcProcessRow): number => {
      const byKey = a[key].localeCompare(b[key]) || a.processId.localeCompare(b.processId);
      return descending ? -byKey : byKey;
    };
    return { store: `${descending ? '-' : ''}${key}` as const, compare };
  }

  private workflowsOf(names?: string[], targets?: string[]): string[] | undefined {
    if (!targets) return names;
    const wanted = targets.map((t) => t.toUpperCase());
    const ofTargets = this.registry
      .list()
      .filter((w) => wanted.includes(w.target.toUpperCase()))
      .map((w) => w.name);
    return names ? names.filter((n) => ofTargets.includes(n)) : ofTargets;
  }

  /** Up to `need` rows of one branch, newest page first, following the read model's cursor. */
  private async collect(
    branch: Branch,
    q: string | undefined,
    sort: '-startedAt' | 'startedAt' | '-updatedAt' | 'updatedAt',
    need: number,
  ): Promise<{ rows: ProcessSummary[] }> {
    const rows: ProcessSummary[] = [];
    let cursor: string | undefined;
    while (rows.length < need) {
      const page = await this.queries.execute(
        new ListProcessesQuery({
          ...branch,
          q,
          sort,
          limit: Math.min(READ_PAGE, need - rows.length),
          cursor,
        }),
      );
      rows.push(...page.items);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return { rows };
  }

  private fromCounts(counts: ProcessCounts, branches: Branch[]): number {
    const count = ({ status, workflow }: Branch): number => {
      const scope = workflow ? counts.byWorkflow.find((w) => w.workflow === workflow) : counts;
      if (!scope) return 0;
      return status ? (scope.byStatus[status] ?? 0) : scope.total;
    };
    return branches.reduce((n, b) => n + count(b), 0);
  }

  /** A search by process id reads those processes themselves and filters them here. */
  private async byIds(
    ids: string[],
    f: { statuses?: ListedStatus[]; workflows?: string[]; assignees?: string[] },
    args: OcListArgs,
    sort: { compare: (a: OcProcessRow, b: OcProcessRow) => number },
  ) {
    const words = searchWords(args.query ?? '');
    const rows: OcProcessRow[] = [];
    for (const id of [...new Set(ids)].slice(0, MAX_BRANCHES)) {
      const detail = await this.queries
        .execute(new GetProcessQuery(id))
        .catch((e: unknown) => (e instanceof NotFoundError ? null : Promise.reject(e)));
      if (!detail) continue;
      const row: OcProcessRow = {
        processId: detail.id,
        workflow: detail.workflow,
        workflowVersion: detail.workflowVersion,
        status: detail.parked ? 'parked' : detail.status,
        currentStep: detail.currentStep,
        assignee: detail.assignee,
        failedReason: detail.failedReason,
        startedAt: detail.startedAt ?? '',
        updatedAt: detail.updatedAt ?? '',
      };
      if (f.statuses && !f.statuses.includes(row.status)) continue;
      if (f.workflows && !f.workflows.includes(row.workflow)) continue;
      if (f.assignees && !f.assignees.includes(row.assignee ?? '')) continue;
      if (!words.every((w) => row.workflow.toLowerCase().includes(w))) continue;
      rows.push(row);
    }
    rows.sort(sort.compare);
    return { rows: rows.slice(args.after, args.after + args.first), totalItems: rows.length };
  }
}
