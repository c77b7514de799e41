import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { JsonObject } from '../../domain/process/events';
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

export class ListWorkflowsQuery extends Query<WorkflowView[]> {}

@QueryHandler(ListWorkflowsQuery)
export class ListWorkflowsHandler implements IQueryHandler<ListWorkflowsQuery, WorkflowView[]> {
  constructor(private readonly registry: WorkflowRegistry) {}

  async execute(): Promise<WorkflowView[]> {
    return this.registry.list().map((w) => ({
      name: w.name,
      description: w.description,
      target: w.target,
      version: w.version,
      initialForm: w.initialInput ? formToJsonSchema(w.initialInput, w.description) : null,
      steps: w.steps.map((s) => ({ name: s.name, kind: s.kind })),
    }));
  }
}
