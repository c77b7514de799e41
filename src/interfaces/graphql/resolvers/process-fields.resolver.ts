/**
 * Fields of a process that come from elsewhere than its own row. The ones a page of processes
 * can ask for per process (callbacks, workflow definition) go through the request's loaders, so
 * a page of any size costs one lookup per kind; the history is only offered on a single process.
 */
import { QueryBus } from '@nestjs/cqrs';
import { Args, Context, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { GetProcessEventsQuery } from '../../../application/queries/process-queries';
import { toEventType } from '../event-view';
import { GraphqlContext } from '../graphql-context';
import { DEFAULT_PAGE_SIZE, summaryQuery, toConnection } from '../process-connection';
import { listComplexity, pageComplexity } from '../query-limits';
import { loadWorkflow, readLoaders } from '../read-loaders';
import { CallbackAuditType } from '../types/callback-audit.types';
import { ProcessConnectionType, ProcessFilterInput } from '../types/connection.types';
import { ProcessEventType } from '../types/event.types';
import { ProcessHeaderType, ProcessType } from '../types/process.types';
import { WorkflowType } from '../types/workflow.types';
import { Roles } from '../../auth/access';

@Roles('auditor')
@Resolver(() => ProcessHeaderType)
export class ProcessHeaderFieldsResolver {
  constructor(private readonly queries: QueryBus) {}

  @ResolveField(() => [CallbackAuditType], {
    description: 'The callback audit of this process, oldest token first.',
    complexity: listComplexity(3),
  })
  callbacks(
    @Parent() process: ProcessHeaderType,
    @Context() context: GraphqlContext,
  ): Promise<CallbackAuditType[]> {
    return readLoaders(context, this.queries).callbacksOf.load(process.id);
  }

  @ResolveField(() => WorkflowType, {
    nullable: true,
    description: 'The workflow version this process runs (null if no longer deployed).',
  })
  workflowDefinition(
    @Parent() process: ProcessHeaderType,
    @Context() context: GraphqlContext,
  ): Promise<WorkflowType | null> {
    return loadWorkflow(
      readLoaders(context, this.queries),
      process.workflow,
      process.workflowVersion,
    );
  }
}

@Roles('auditor')
@Resolver(() => ProcessType)
export class ProcessFieldsResolver {
  constructor(private readonly queries: QueryBus) {}

  @ResolveField(() => [ProcessEventType], {
    description: 'The full history of this process.',
    complexity: listComplexity(20),
  })
  async events(@Parent() process: ProcessType): Promise<ProcessEventType[]> {
    const events = await this.queries.execute(new GetProcessEventsQuery(process.id));
    return events.map(toEventType);
  }
}

@Roles('auditor')
@Resolver(() => WorkflowType)
export class WorkflowFieldsResolver {
  constructor(private readonly queries: QueryBus) {}

  @ResolveField(() => ProcessConnectionType, {
    description: 'Processes of this workflow (any version), newest first.',
    complexity: pageComplexity,
  })
  async processes(
    @Parent() workflow: WorkflowType,
    @Context() context: GraphqlContext,
    @Args('filter', { type: () => ProcessFilterInput, nullable: true }) filter?: ProcessFilterInput,
    @Args('first', { type: () => Int, defaultValue: DEFAULT_PAGE_SIZE }) first = DEFAULT_PAGE_SIZE,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<ProcessConnectionType> {
    const query = summaryQuery({ ...filter, workflow: workflow.name }, first, after);
    const page = await readLoaders(context, this.queries).processPage.load(query);
    return toConnection(page, after);
  }
}
