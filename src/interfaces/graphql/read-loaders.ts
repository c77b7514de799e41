/**
 * Batched lookups for nested fields (DataLoader), one set per request: whatever a page of
 * processes asks for per process is gathered while the page resolves and fetched with one query
 * per kind, so the statements a query costs do not grow with the page size.
 */
import { QueryBus } from '@nestjs/cqrs';
import DataLoader from 'dataloader';
import { SummaryPage, SummaryQuery } from '../../application/ports/process-summaries';
import { GetWorkflowQuery, WorkflowView } from '../../application/queries/list-workflows';
import { ListProcessesQuery } from '../../application/queries/process-queries';
import {
  CallbackAuditEntry,
  GetCallbacksOfProcessesQuery,
} from '../../application/queries/read-model-queries';
import { NotFoundError } from '../../domain/errors';
import { GraphqlContext } from './graphql-context';

export interface ReadLoaders {
  /** The callback audit of a process (empty for none). */
  callbacksOf: DataLoader<string, CallbackAuditEntry[]>;
  /** A workflow version by `name@version`; null when that version is not registered. */
  workflow: DataLoader<string, WorkflowView | null>;
  /** A page of the process list; identical nested requests are asked once. */
  processPage: DataLoader<SummaryQuery, SummaryPage, string>;
}

const workflowKey = (name: string, version: number) => `${name}@${version}`;

const createLoaders = (queries: QueryBus, cache: boolean): ReadLoaders => ({
  callbacksOf: new DataLoader(
    async (ids) => {
      const found = await queries.execute(new GetCallbacksOfProcessesQuery(ids));
      return ids.map((id) => found.get(id) ?? []);
    },
    { cache },
  ),
  workflow: new DataLoader(
    (keys) =>
      Promise.all(
        keys.map(async (key) => {
          const at = key.lastIndexOf('@');
          try {
            return await queries.execute(
              new GetWorkflowQuery(key.slice(0, at), Number(key.slice(at + 1))),
            );
          } catch (error) {
            if (error instanceof NotFoundError) return null;
            throw error;
          }
        }),
      ),
    { cache },
  ),
  processPage: new DataLoader(
    (filters) => Promise.all(filters.map((f) => queries.execute(new ListProcessesQuery(f)))),
    { cache, cacheKeyFn: (f) => JSON.stringify(f) },
  ),
});

const loadersByContext = new WeakMap<GraphqlContext, ReadLoaders>();

/** The loaders of this request, created on first use. */
export const readLoaders = (context: GraphqlContext, queries: QueryBus): ReadLoaders => {
  let loaders = loadersByContext.get(context);
  if (!loaders) {
    loaders = createLoaders(queries, context.transport === 'http');
    loadersByContext.set(context, loaders);
  }
  return loaders;
};

export const loadWorkflow = (loaders: ReadLoaders, name: string, version: number) =>
  loaders.workflow.load(workflowKey(name, version));
