import { WorkflowRegistry } from '../domain/workflow/registry';
import { createL2vpn } from './create-l2vpn';

/** Every workflow this service can run, each version it may still have processes on. */
export const buildWorkflowRegistry = (): WorkflowRegistry =>
  new WorkflowRegistry().register(createL2vpn);
