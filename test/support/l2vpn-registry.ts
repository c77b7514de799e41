/** The L2VPN example (examples/l2vpn) as most of Baton's own tests run it. */
import { WorkflowRegistry } from '../../src/domain/workflow/registry';
import { workflows } from '../../examples/l2vpn/src';

export const buildWorkflowRegistry = (): WorkflowRegistry => {
  const registry = new WorkflowRegistry();
  for (const definition of workflows) registry.register(definition);
  return registry;
};
