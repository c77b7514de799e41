/**
 * Loads a team's workflows from a module (`baton start --workflows <module>`): the module
 * exports `workflows`, an array of definitions made with `workflow(...)` (a default export of
 * such an array, or of an object with `workflows`, is accepted too). Anything else stops
 * start-up with a message that says what was found instead.
 */
import path from 'node:path';
import { WorkflowDefinition } from '../../domain/workflow/dsl';

const isDefinition = (value: unknown): value is WorkflowDefinition =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as WorkflowDefinition).name === 'string' &&
  typeof (value as WorkflowDefinition).version === 'number' &&
  Array.isArray((value as WorkflowDefinition).steps);

const listIn = (exported: Record<string, unknown>): unknown => {
  if (exported.workflows !== undefined) return exported.workflows;
  const fallback = exported.default as Record<string, unknown> | unknown[] | undefined;
  if (Array.isArray(fallback)) return fallback;
  return fallback?.workflows;
};

/** `specifier`: a path (relative to `cwd`) or a package name, resolved as Node resolves it. */
export const loadWorkflowsModule = (
  specifier: string,
  cwd: string = process.cwd(),
): WorkflowDefinition[] => {
  const isPath = specifier.startsWith('.') || path.isAbsolute(specifier);
  let resolved: string;
  try {
    resolved = require.resolve(isPath ? path.resolve(cwd, specifier) : specifier, {
      paths: [cwd],
    });
  } catch {
    throw new Error(
      `cannot find ${isPath ? path.resolve(cwd, specifier) : `the package ${specifier}`} (is the project built? npm run build)`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(resolved) as Record<string, unknown>;
  const list = listIn(exported);
  if (!Array.isArray(list) || list.length === 0)
    throw new Error(
      `${specifier}: expected the module to export \`workflows\`, a non-empty array of workflow(...) definitions`,
    );
  list.forEach((entry, i) => {
    if (!isDefinition(entry))
      throw new Error(
        `${specifier}: workflows[${i}] is not a workflow(...) definition (it needs name, version and steps)`,
      );
  });
  return list as WorkflowDefinition[];
};

/** `--workflows <module>` taken out of an argument list (for the entries without a parser). */
export const takeWorkflowsOption = (
  argv: readonly string[],
): { specifier: string; rest: string[] } => {
  const at = argv.indexOf('--workflows');
  const specifier = at >= 0 ? argv[at + 1] : undefined;
  if (!specifier)
    throw new Error('missing --workflows <module> (the module that exports `workflows`)');
  return { specifier, rest: argv.filter((_, i) => i !== at && i !== at + 1) };
};
