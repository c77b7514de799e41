import { NotFoundError } from '../errors';
import { WorkflowDefinition } from './dsl';

/**
 * Keeps every registered version of every workflow: a process runs the version it started
 * with, even after a newer one is deployed.
 */
export class WorkflowRegistry {
  private readonly byName = new Map<string, Map<number, WorkflowDefinition>>();

  register(definition: WorkflowDefinition): this {
    const versions = this.byName.get(definition.name) ?? new Map<number, WorkflowDefinition>();
    if (versions.has(definition.version)) {
      throw new Error(`Workflow ${definition.name} v${definition.version} is already registered`);
    }
    versions.set(definition.version, definition);
    this.byName.set(definition.name, versions);
    return this;
  }

  latest(name: string): WorkflowDefinition {
    const versions = this.byName.get(name);
    if (!versions) throw new NotFoundError(`Unknown workflow: ${name}`);
    return versions.get(Math.max(...versions.keys()))!;
  }

  get(name: string, version: number): WorkflowDefinition {
    const found = this.byName.get(name)?.get(version);
    if (!found) throw new NotFoundError(`Unknown workflow: ${name} v${version}`);
    return found;
  }

  /** The definition, or undefined when this deployment does not have it (any more). */
  find(name: string, version: number): WorkflowDefinition | undefined {
    return this.byName.get(name)?.get(version);
  }

  /** The versions of a workflow this deployment has, oldest first. */
  versionsOf(name: string): number[] {
    return [...(this.byName.get(name)?.keys() ?? [])].sort((a, b) => a - b);
  }

  /** The newest version of each workflow, for listing. */
  list(): WorkflowDefinition[] {
    return [...this.byName.keys()].sort().map((name) => this.latest(name));
  }
}
