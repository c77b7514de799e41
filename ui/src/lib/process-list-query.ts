/**
 * The process list's filters live in the URL so a filtered view can be shared. Search goes to the
 * server as `q` when it supports it; an older service refuses the parameter (400 naming `q`),
 * and then the page filters what it loaded.
 */
import { ApiError, get } from './api';
import type { ProcessSummary, SummaryPage } from './types';

export interface ListFilters {
  status?: string;
  workflow?: string;
  q?: string;
}

export const PAGE_SIZE = 20;

export const readFilters = (search: string): ListFilters => {
  const p = new URLSearchParams(search);
  return {
    status: p.get('status') || undefined,
    workflow: p.get('workflow') || undefined,
    q: p.get('q') || undefined,
  };
};

export const filtersToSearch = (f: ListFilters): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
};

let serverSearch = true;

const matches = (item: ProcessSummary, q: string) =>
  [item.processId, item.workflow, item.currentStep ?? '', item.status, item.failedReason ?? '']
    .join(' ')
    .toLowerCase()
    .includes(q.toLowerCase());

export const loadPage = async (f: ListFilters, cursor?: string): Promise<SummaryPage> => {
  const p = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (f.status) p.set('status', f.status);
  if (f.workflow) p.set('workflow', f.workflow);
  if (cursor) p.set('cursor', cursor);
  const local = async (): Promise<SummaryPage> => {
    p.set('limit', '200');
    const page = await get<SummaryPage>(`/api/processes?${p}`);
    return { ...page, items: page.items.filter((i) => matches(i, f.q!)) };
  };
  if (!f.q) return get<SummaryPage>(`/api/processes?${p}`);
  if (!serverSearch) return local();
  try {
    return await get<SummaryPage>(`/api/processes?${p}&q=${encodeURIComponent(f.q)}`);
  } catch (error) {
    const refusedQ =
      error instanceof ApiError &&
      error.status === 400 &&
      error.validationErrors.some((e) => e.property === 'q');
    if (!refusedQ) throw error;
    serverSearch = false;
    return local();
  }
};

/** Whether the server filters by text (known after the first search). */
export const searchesOnServer = () => serverSearch;
