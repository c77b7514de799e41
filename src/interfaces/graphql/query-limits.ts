/**
 * Limits on what one GraphQL operation may ask for, checked before anything runs, over HTTP
 * (an Apollo plugin) and WebSocket (graphql-ws' onSubscribe) alike:
 * - depth: how deeply selections nest (the schema has a cycle: process → workflow → processes);
 * - complexity: an estimate of the work, each field 1, lists multiplied by their page size.
 */
import { ApolloServerPlugin } from '@apollo/server';
import {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { ComplexityEstimatorArgs } from '@nestjs/graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from './process-connection';

export const MAX_QUERY_DEPTH = 8;
export const MAX_QUERY_COMPLEXITY = 10_000;

/** Cost of a connection field: its page size times what each node asks for. */
export const pageComplexity = ({ args, childComplexity }: ComplexityEstimatorArgs): number =>
  1 + (typeof args.first === 'number' ? args.first : DEFAULT_PAGE_SIZE) * childComplexity;

/** Cost of a list whose length is not chosen by the client: an estimate of its usual length. */
export const listComplexity =
  (typicalLength: number) =>
  ({ childComplexity }: ComplexityEstimatorArgs): number =>
    1 + typicalLength * childComplexity;

const limitError = (code: string, message: string) =>
  new GraphQLError(message, { extensions: { code, http: { status: 400 } } });

/** Depth of a selection; introspection (`__schema`, `__type`) is not counted. */
const depthOf = (
  selections: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  seen: Set<string>,
): number => {
  let deepest = 0;
  for (const selection of selections.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      const below = selection.selectionSet ? depthOf(selection.selectionSet, fragments, seen) : 0;
      deepest = Math.max(deepest, 1 + below);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, seen));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // A fragment spread inside itself is refused by validation; do not loop on it here.
      if (!fragment || seen.has(name)) continue;
      seen.add(name);
      deepest = Math.max(deepest, depthOf(fragment.selectionSet, fragments, seen));
      seen.delete(name);
    }
  }
  return deepest;
};

const selectedOperation = (
  document: DocumentNode,
  operationName: string | null | undefined,
): OperationDefinitionNode | undefined => {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  return operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
};

/** The limits this (already validated) operation exceeds; empty when it may run. */
export const queryLimitErrors = (
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): GraphQLError[] => {
  const operation = selectedOperation(document, operationName);
  if (!operation) return [];
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const depth = depthOf(operation.selectionSet, fragments, new Set());
  if (depth > MAX_QUERY_DEPTH) {
    return [
      limitError('QUERY_TOO_DEEP', `Query depth ${depth} exceeds the limit of ${MAX_QUERY_DEPTH}`),
    ];
  }
  let complexity: number;
  try {
    complexity = getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    // Variables that do not fit the operation: execution reports them precisely.
    return [];
  }
  return complexity > MAX_QUERY_COMPLEXITY
    ? [
        limitError(
          'QUERY_TOO_COMPLEX',
          `Query complexity ${complexity} exceeds the limit of ${MAX_QUERY_COMPLEXITY}; ask for smaller pages or fewer nested fields`,
        ),
      ]
    : [];
};

/** Checks each HTTP operation once it is parsed and validated, before it runs. */
export const queryLimitsPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request, document, schema }) {
        const [error] = queryLimitErrors(
          schema,
          document,
          request.operationName,
          request.variables,
        );
        if (error) throw error;
      },
    };
  },
};
