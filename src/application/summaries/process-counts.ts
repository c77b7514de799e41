import { ListedStatus, ProcessCounts, StatusCounts } from '../queries/read-model-queries';

/** The counts answer from (workflow, status, n) rows, workflows by name. */
export const countsFromRows = (
  rows: ReadonlyArray<{ workflow: string; status: ListedStatus; n: number }>,
): ProcessCounts => {
  const byStatus: StatusCounts = {};
  const workflows = new Map<string, { workflow: string; total: number; byStatus: StatusCounts }>();
  let total = 0;
  for (const { workflow, status, n } of rows) {
    if (n === 0) continue;
    total += n;
    byStatus[status] = (byStatus[status] ?? 0) + n;
    const entry = workflows.get(workflow) ?? { workflow, total: 0, byStatus: {} };
    entry.total += n;
    entry.byStatus[status] = (entry.byStatus[status] ?? 0) + n;
    workflows.set(workflow, entry);
  }
  const byWorkflow = [...workflows.values()].sort((a, b) => a.workflow.localeCompare(b.workflow));
  return { total, byStatus, byWorkflow };
};
