/**
 * The part of orchestrator-core's GraphQL schema that OC's UI asks for, written schema-first so
 * that it stays a separate schema at its own endpoint and Baton's code-first schema at
 * /api/graphql is untouched. Names and nullability follow OC (camelCase fields, offset paging
 * with `first`/`after`, `sortBy`/`filterBy` lists, `page` + `pageInfo`).
 */
import { GraphQLScalarType, Kind, buildSchema, GraphQLSchema, ValueNode } from 'graphql';

const SDL = /* GraphQL */ `
  scalar DateTime
  scalar JSON
  scalar UUID

  enum SortOrder {
    ASC
    DESC
  }

  "OC's process statuses by name, as OC's GraphQL sends them (its REST sends the lower-case values)"
  enum ProcessStatus {
    CREATED
    RUNNING
    SUSPENDED
    WAITING
    AWAITING_CALLBACK
    ABORTED
    FAILED
    API_UNAVAILABLE
    INCONSISTENT_DATA
    COMPLETED
    RESUMED
  }

  input GraphqlSort {
    field: String!
    order: SortOrder! = ASC
  }

  input GraphqlFilter {
    field: String!
    value: String!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: Int
    endCursor: Int
    totalItems: Int
    sortFields: [String!]!
    filterFields: [String!]!
  }

  type ProductModelGraphql {
    productId: String
    name: String!
    tag: String!
    description: String!
    productType: String!
    status: String!
  }

  type CustomerType {
    customerId: String!
    fullname: String!
    shortcode: String!
  }

  type SubscriptionType {
    subscriptionId: String!
    description: String!
    status: String
    product: ProductModelGraphql
  }

  type SubscriptionConnection {
    page: [SubscriptionType!]!
    pageInfo: PageInfo!
  }

  type FormUserPermissionsType {
    retryAllowed: Boolean!
    resumeAllowed: Boolean!
  }

  type ProcessStepType {
    stepId: UUID
    name: String!
    status: String!
    createdBy: String
    executed: DateTime
    started: DateTime
    completed: DateTime
    commitHash: String
    state: JSON
    stateDelta: JSON
  }

  type ProcessType {
    processId: UUID!
    workflowId: UUID!
    workflowName: String!
    workflowTarget: String
    isTask: Boolean!
    lastStep: String
    lastStatus: ProcessStatus!
    failedReason: String
    traceback: String
    assignee: String!
    createdBy: String
    startedAt: DateTime!
    lastModifiedAt: DateTime!
    note: String
    form: JSON
    currentState: JSON
    steps: [ProcessStepType!]!
    product: ProductModelGraphql!
    customer: CustomerType!
    subscriptions(
      first: Int = 10
      after: Int = 0
      sortBy: [GraphqlSort!]
      filterBy: [GraphqlFilter!]
      query: String
    ): SubscriptionConnection!
    userPermissions: FormUserPermissionsType!
  }

  type ProcessConnection {
    page: [ProcessType!]!
    pageInfo: PageInfo!
  }

  type StepType {
    name: String!
    assignee: String
  }

  type WorkflowType {
    workflowId: UUID!
    name: String!
    description: String
    target: String!
    isTask: Boolean!
    isAllowed: Boolean!
    createdAt: DateTime
    steps: [StepType!]!
    products: [ProductModelGraphql!]!
  }

  type WorkflowConnection {
    page: [WorkflowType!]!
    pageInfo: PageInfo!
  }

  type VersionType {
    applicationVersions: [String]
  }

  type Query {
    processes(
      first: Int = 10
      after: Int = 0
      sortBy: [GraphqlSort!]
      filterBy: [GraphqlFilter!]
      query: String
    ): ProcessConnection!
    workflows(
      first: Int = 10
      after: Int = 0
      sortBy: [GraphqlSort!]
      filterBy: [GraphqlFilter!]
      query: String
    ): WorkflowConnection!
    version: VersionType!
  }
`;

/** Scalars pass JSON values through as they are; the resolvers produce well-formed values. */
const passThrough = (name: string): GraphQLScalarType =>
  new GraphQLScalarType({
    name,
    serialize: (value) => value,
    parseValue: (value) => value,
    parseLiteral: (ast: ValueNode) =>
      ast.kind === Kind.STRING || ast.kind === Kind.BOOLEAN ? ast.value : null,
  });

export const buildOcSchema = (): GraphQLSchema => {
  const schema = buildSchema(SDL);
  for (const name of ['DateTime', 'JSON', 'UUID']) {
    const type = schema.getType(name) as GraphQLScalarType;
    Object.assign(type, {
      serialize: passThrough(name).serialize,
      parseValue: passThrough(name).parseValue,
      parseLiteral: passThrough(name).parseLiteral,
    });
  }
  return schema;
};
