import { GraphQLError, GraphQLScalarType } from 'graphql';

const outputOnly = (name: string) => () => {
  throw new GraphQLError(`${name} is an output type and cannot be given as input`);
};

/** Any JSON value (process state, event data, form schemas). Output only. */
export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value, as stored (output only).',
  serialize: (value) => value,
  parseValue: outputOnly('JSON'),
  parseLiteral: outputOnly('JSON'),
});

/**
 * ISO-8601 time in UTC. The application hands out times as ISO strings already; Nest's own
 * DateTime would only accept Date objects.
 */
export const TimestampScalar = new GraphQLScalarType({
  name: 'Timestamp',
  description: 'An ISO-8601 date and time in UTC, such as 2026-11-28T17:00:00.000Z (output only).',
  serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
  parseValue: outputOnly('Timestamp'),
  parseLiteral: outputOnly('Timestamp'),
});
