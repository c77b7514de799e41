/** The root fields of the OC schema: processes, workflows and version. */
import { OcListArgs, badInput, checkPaging, filtersByField, pageInfo } from './oc-paging';
import { OcGraphqlContext, processNode, workflowNode } from './oc-nodes';
import { OcProcessSearch, PROCESS_FILTER_FIELDS, PROCESS_SORT_FIELDS } from './oc-process-search';

/** The orchestrator-core API level this compatibility layer follows (OC's UI needs ≥ 5.4.0). */
export const OC_API_VERSION = '5.4.0';

const WORKFLOW_FILTER_FIELDS = ['name', 'target', 'description', 'isTask'];
const WORKFLOW_SORT_FIELDS = ['name', 'target', 'description'];

const processes = async (args: OcListArgs, ctx: OcGraphqlContext) => {
  checkPaging(args);
  const { rows, totalItems } = await new OcProcessSearch(ctx.queries, ctx.registry).search(args);
  return {
    page: rows.map((row) => processNode(row, ctx)),
    pageInfo: pageInfo(args, rows.length, totalItems, {
      sortFields: PROCESS_SORT_FIELDS,
      filterFields: PROCESS_FILTER_FIELDS,
    }),
  };
};

const workflows = (args: OcListArgs, ctx: OcGraphqlContext) => {
  checkPaging(args);
  const filters = filtersByField(args.filterBy, WORKFLOW_FILTER_FIELDS);
  const [sort] = args.sortBy ?? [];
  const sortField = (sort?.field ?? 'name') as 'name' | 'target' | 'description';
  if (!WORKFLOW_SORT_FIELDS.includes(sortField))
    throw badInput(`Cannot sort on ${sortField}; sortable: ${WORKFLOW_SORT_FIELDS.join(', ')}`);
  const words = (args.query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const isTask = filters.get('isTask')?.map((v) => v.toLowerCase());
  const matching = ctx.registry
    .list()
    .filter(() => !isTask || isTask.includes('false'))
    .filter((w) => filters.get('name')?.includes(w.name) ?? true)
    .filter((w) => filters.get('target')?.some((t) => t.toUpperCase() === w.target) ?? true)
    .filter(
      (w) =>
        filters
          .get('description')
          ?.some((d) => w.description.toLowerCase().includes(d.toLowerCase())) ?? true,
    )
    .filter((w) => words.every((q) => `${w.name} ${w.description}`.toLowerCase().includes(q)))
    .sort((a, b) =>
      sort?.order === 'DESC'
        ? b[sortField].localeCompare(a[sortField])
        : a[sortField].localeCompare(b[sortField]),
    );
  const page = matching.slice(args.after, args.after + args.first);
  return {
    page: page.map((w) => workflowNode(w, ctx.actor)),
    pageInfo: pageInfo(args, page.length, matching.length, {
      sortFields: WORKFLOW_SORT_FIELDS,
      filterFields: WORKFLOW_FILTER_FIELDS,
    }),
  };
};

const version = (_args: unknown, _ctx: OcGraphqlContext) => ({
  applicationVersions: [`orchestrator-core: ${OC_API_VERSION}`, `baton: ${BATON_VERSION}`],
});

/** Baton's own version, from its package (the one OC's UI shows next to the OC level). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BATON_VERSION: string = (require('../../../../package.json') as { version: string }).version;

export const ocRootValue = { processes, workflows, version };
