/** All processes, newest first: filter by status and workflow, search, page, live. */
import { useEffect, useState } from 'react';
import { Empty, ErrorMessage, Loading, StatusBadge } from '../components/Feedback';
import { Link } from '../components/Link';
import { get, getOptional } from '../lib/api';
import { formatTime, statusLabel } from '../lib/format';
import { useLiveRefresh } from '../lib/live';
import { filtersToSearch, ListFilters, loadPage, readFilters } from '../lib/process-list-query';
import { navigate } from '../lib/router';
import type { ProcessCounts, WorkflowView } from '../lib/types';
import { useResource } from '../lib/use-resource';

/** How often, at most, a busy feed makes the list reload (a page and the counts). */
const LIST_REFRESH_MS = 2000;

const STATUSES = [
  'running',
  'awaiting_callback',
  'suspended',
  'waiting',
  'failed',
  // The runner gave up on these until an operator retries them (the service lists them so).
  'parked',
  'completed',
  'aborted',
];

const StatusChips = ({
  filters,
  counts,
}: {
  filters: ListFilters;
  counts: ProcessCounts | null;
}) => {
  const byStatus = (s: string) => {
    if (!counts) return null;
    if (!filters.workflow) return counts.byStatus[s as keyof ProcessCounts['byStatus']] ?? 0;
    const row = counts.byWorkflow.find((w) => w.workflow === filters.workflow);
    return row?.byStatus[s as keyof ProcessCounts['byStatus']] ?? 0;
  };
  const chip = (status: string | undefined, label: string, count: number | null | undefined) => (
    <button
      key={label}
      type="button"
      className="chip"
      aria-pressed={filters.status === status}
      onClick={() => navigate(`/${filtersToSearch({ ...filters, status })}`)}
    >
      {label}
      {count !== null && count !== undefined ? <span className="count">{count}</span> : null}
    </button>
  );
  const total = counts
    ? filters.workflow
      ? (counts.byWorkflow.find((w) => w.workflow === filters.workflow)?.total ?? 0)
      : counts.total
    : null;
  return (
    <div className="chips" role="group" aria-label="Filter by status">
      {chip(undefined, 'All', total)}
      {STATUSES.map((s) => chip(s, statusLabel(s), byStatus(s)))}
    </div>
  );
};

export const ProcessList = ({ search }: { search: string }) => {
  const filters = readFilters(search);
  const [cursors, setCursors] = useState<string[]>([]); // cursors of the pages before this one
  const [cursor, setCursor] = useState<string>();
  const [text, setText] = useState(filters.q ?? '');
  useEffect(() => {
    setCursor(undefined);
    setCursors([]);
  }, [search]);

  const page = useResource(() => loadPage(filters, cursor), [search, cursor]);
  const counts = useResource(() => getOptional<ProcessCounts>('/api/processes/counts'), []);
  const workflows = useResource(() => get<WorkflowView[]>('/api/workflows'), []);
  // Every event of every process arrives here: refetch at most every LIST_REFRESH_MS, not per event.
  useLiveRefresh(
    () => {
      page.reload();
      counts.reload();
    },
    undefined,
    { minIntervalMs: LIST_REFRESH_MS },
  );

  return (
    <section>
      <div className="page-head">
        <h1>Processes</h1>
        <Link href="/start" className="button primary">
          Start a workflow
        </Link>
      </div>
      <StatusChips filters={filters} counts={counts.data ?? null} />
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/${filtersToSearch({ ...filters, q: text.trim() || undefined })}`);
        }}
      >
        <label htmlFor="workflow-filter">Workflow</label>
        <select
          id="workflow-filter"
          value={filters.workflow ?? ''}
          onChange={(e) =>
            navigate(`/${filtersToSearch({ ...filters, workflow: e.target.value || undefined })}`)
          }
        >
          <option value="">All workflows</option>
          {(workflows.data ?? []).map((w) => (
            <option key={w.name} value={w.name}>
              {w.name}
            </option>
          ))}
        </select>
        <label htmlFor="search">Search</label>
        <input
          id="search"
          type="search"
          value={text}
          placeholder="id, workflow, step…"
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit">Search</button>
      </form>
      <ErrorMessage error={page.error} />
      {page.loading && !page.data ? <Loading what="processes" /> : null}
      {page.data && page.data.items.length === 0 ? (
        <Empty>No processes match. Start one from a workflow&apos;s form.</Empty>
      ) : null}
      {page.data && page.data.items.length > 0 ? (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Process</th>
              <th scope="col">Workflow</th>
              <th scope="col">Status</th>
              <th scope="col">Current step</th>
              <th scope="col">Started</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {page.data.items.map((p) => (
              <tr key={p.processId} data-process-id={p.processId}>
                <td data-label="Process">
                  <Link href={`/processes/${p.processId}`} className="mono">
                    {p.processId.slice(0, 8)}
                  </Link>
                </td>
                <td data-label="Workflow">{p.workflow}</td>
                <td data-label="Status">
                  <StatusBadge status={p.status} />
                </td>
                <td data-label="Current step">{p.currentStep ?? '—'}</td>
                <td data-label="Started">{formatTime(p.startedAt)}</td>
                <td data-label="Updated">{formatTime(p.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <nav className="pager" aria-label="Pages">
        <button
          type="button"
          disabled={cursors.length === 0 && !cursor}
          onClick={() => {
            const previous = [...cursors];
            setCursor(previous.pop());
            setCursors(previous);
          }}
        >
          Newer
        </button>
        <button
          type="button"
          disabled={!page.data?.nextCursor}
          onClick={() => {
            if (cursor) setCursors([...cursors, cursor]);
            else setCursors([]);
            setCursor(page.data?.nextCursor ?? undefined);
          }}
        >
          Older
        </button>
      </nav>
    </section>
  );
};
