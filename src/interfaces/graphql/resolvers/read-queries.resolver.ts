/**
 * The GraphQL queries. Every field here only reads (there is no Mutation type): access needs the
 * `auditor` role, the least one, like the REST GETs. All reads go through the QueryBus, so
 * GraphQL answers exactly what REST answers.
 */
import { QueryBus } from '@nestjs/cqrs';
import { Args, Context, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { ListWorkflowsQuery } from '../../../application/queries/list-workflows';
import { GetProcessEventsQuery } from '../../../application/queries/process-queries';
import {
  GetProcessCallbacksQuery,
  GetProcessCountsQuery,
} from '../../../application/queries/read-model-queries';
import { toEventType } from '../event-view';
import { findProcess } from '../find-process';
import { GraphqlContext } from '../graphql-context';
import { DEFAULT_PAGE_SIZE, summaryQuery, toConnection } from '../process-connection';
import { listComplexity, pageComplexity } from '../query-limits';
import { readLoaders } from '../read-loaders';
import { CallbackAuditType } from '../types/callback-audit.types';
import { ProcessConnectionType, ProcessFilterInput } from '../types/connection.types';
import { ProcessCountsType, toCountsType } from '../types/counts.types';
import { ProcessEventType } from '../types/event.types';
import { ProcessType } from '../types/process.types';
import { WorkflowType } from '../types/workflow.types';
import { Roles } from '../../auth/access';

@Roles('auditor')
@Resolver()
export class ReadQueriesResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query(() => [WorkflowType], { description: 'The newest version of each workflow.' })
  workflows(): Promise<WorkflowType[]> {
    return this.queries.execute(new ListWorkflowsQuery());
  }

  @Query(() => ProcessType, {
    nullable: true,
    description: 'One process, folded from its events (null when there is no such process).',
  })
  process(@Args('id', { type: () => ID }) id: string): Promise<ProcessType | null> {
    return findProcess(this.queries, id);
  }

  @Query(() => ProcessConnectionType, {
    description: 'Processes, newest first, a page at a time (read model).',
    complexity: pageComplexity,
  })
  async processes(
    @Context() context: GraphqlContext,
    @Args('filter', { type: () => ProcessFilterInput, nullable: true }) filter?: ProcessFilterInput,
    @Args('first', { type: () => Int, defaultValue: DEFAULT_PAGE_SIZE }) first = DEFAULT_PAGE_SIZE,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<ProcessConnectionType> {
    const query = summaryQuery(filter, first, after);
    // Through the loader only to share its page with identical nested requests.
    const page = await readLoaders(context, this.queries).processPage.load(query);
    return toConnection(page, after);
  }

  @Query(() => [ProcessEventType], {
    description: 'The full history of one process, for auditors.',
    complexity: listComplexity(20),
  })
  async events(
    @Args('processId', { type: () => ID }) processId: string,
  ): Promise<ProcessEventType[]> {
    const events = await this.queries.execute(new GetProcessEventsQuery(processId));
    return events.map(toEventType);
  }

  @Query(() => [CallbackAuditType], {
    description: 'The callback audit of one process, oldest token first.',
    complexity: listComplexity(3),
  })
  callbacks(
    @Args('processId', { type: () => ID }) processId: string,
  ): Promise<CallbackAuditType[]> {
    return this.queries.execute(new GetProcessCallbacksQuery(processId));
  }

  @Query(() => ProcessCountsType)
  async counts(): Promise<ProcessCountsType> {
    return toCountsType(await this.queries.execute(new GetProcessCountsQuery()));
  }
}
