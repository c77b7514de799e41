import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { JsonObject } from '../../domain/process/events';
import { WorkflowDefinition } from '../../domain/workflow/dsl';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { formToJsonSchema } from '../forms/forms';

export interface WorkflowView {
  name: string;
  description: string;
  target: string;
  version: number;
  initialForm: JsonObject | null;
  steps: Array<{ name: string; kind: string }>;
}

const describeWorkflow = (w: WorkflowDefinition): WorkflowView => ({
  name: w.name,
  description: w.description,
  target: w.target,
  version: w.version,
  initialForm: w.initialInput ? formToJsonSchema(w.initialInput, w.description) : null,
  steps: w.steps.map((s) => ({ name: s.name, kind: s.kind })),
});

/** The newest version of each workflow. */
export class ListWorkflowsQuery extends Query<WorkflowView[]> {}

@QueryHandler(ListWorkflowsQuery)
export class ListWorkflowsHandler implements IQueryHandler<ListWorkflowsQuery, WorkflowView[]> {
  constructor(private readonly registry: WorkflowRegistry) {}

  async execute(): Promise<WorkflowView[]> {
    return this.registry.list().map(describeWorkflow);
  }
}

/**
 * One version of a workflow: a process shows the definition it started with, which may be
 * older than the one listed. NotFoundError when that version is not registered.
 */
export class GetWorkflowQuery extends Query<WorkflowView> {
  constructor(
    readonly name: string,
    readonly version: number,
  ) {
    super();
  }
}

@QueryHandler(GetWorkflowQuery)
export class GetWorkflowHandler implements IQueryHandler<GetWorkflowQuery, WorkflowView> {
  constructor(private readonly registry: WorkflowRegistry) {}

  async execute(query: GetWorkflowQuery): Promise<WorkflowView> {
    return describeWorkflow(this.registry.get(query.name, query.version));
  }
}
