/**
 * The registry a deployment serves, from the definitions a team hands over. Two definitions with
 * the same name and version are refused here, at start-up, with both named: which one a process
 * started on would otherwise depend on the order of a list.
 */
import { WorkflowDefinition } from './dsl';
import { WorkflowRegistry } from './registry';

const describeEntry = (definition: WorkflowDefinition, index: number): string =>
  `workflows[${index}] ("${definition.description}", ${definition.steps.length} steps)`;

export const registryOf = (definitions: readonly WorkflowDefinition[]): WorkflowRegistry => {
  const seen = new Map<string, number>();
  const registry = new WorkflowRegistry();
  definitions.forEach((definition, index) => {
    const key = `${definition.name} v${definition.version}`;
    const first = seen.get(key);
    if (first !== undefined)
      throw new Error(
        `Workflow ${key} is defined twice: ${describeEntry(definitions[first], first)} and ${describeEntry(definition, index)}. Give the newer one a higher version (workflow({ version }))`,
      );
    seen.set(key, index);
    registry.register(definition);
  });
  return registry;
};
