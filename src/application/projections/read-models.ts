/**
 * Every read model the service keeps, in the order they are listed to operators. Its own file
 * (not app.module.ts) so the offline rebuild can build them without loading the application
 * module: Nest, GraphQL and the HTTP layer cost the rebuild about 0.6 s of CPU at start.
 */
import { CallbackAuditStore } from '../ports/callback-audit';
import { ProcessSummaryStore } from '../ports/process-summaries';
import { StepLogStore } from '../ports/step-log';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { CallbackAuditProjection } from './callback-audit.projection';
import { ProcessSummaryProjection } from './process-summary.projection';
import { Projection } from './projection';
import { StepLogProjection } from './step-log.projection';

export interface ReadModelStores {
  summaries: ProcessSummaryStore;
  callbackAudit: CallbackAuditStore;
  stepLog: StepLogStore;
  registry: WorkflowRegistry;
}

export const buildProjections = (stores: ReadModelStores): Projection[] => [
  new ProcessSummaryProjection(stores.summaries, stores.registry),
  new CallbackAuditProjection(stores.callbackAudit),
  new StepLogProjection(stores.stepLog),
];
