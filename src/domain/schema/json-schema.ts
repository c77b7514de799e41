/**
 * A few JSON Schema builders whose values also carry the TypeScript type they describe, so one
 * definition yields both the published schema and the compiler's type (`Static<typeof s>`).
 * The event catalogue is written with them: the schema served to consumers cannot drift from the
 * types the decider is compiled against. Only what the catalogue needs; pure data, no I/O.
 */
export type JsonSchema = Record<string, unknown>;

/** A schema value; `T` exists only for the compiler. */
export interface Schema<T> {
  readonly json: JsonSchema;
  readonly __type?: T;
}

/** A property that may be absent. */
export interface OptionalSchema<T> extends Schema<T> {
  readonly optional: true;
}

export type Static<S> = S extends Schema<infer T> ? T : never;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Properties = Record<string, Schema<any>>;

type RequiredKeys<P> = {
  [K in keyof P]: P[K] extends OptionalSchema<unknown> ? never : K;
}[keyof P];
type OptionalKeys<P> = {
  [K in keyof P]: P[K] extends OptionalSchema<unknown> ? K : never;
}[keyof P];
type Flatten<T> = { [K in keyof T]: T[K] };

export type ObjectOf<P extends Properties> = [keyof P] extends [never]
  ? Record<string, never>
  : Flatten<{ [K in RequiredKeys<P>]: Static<P[K]> } & { [K in OptionalKeys<P>]?: Static<P[K]> }>;

const schema = <T>(json: JsonSchema): Schema<T> => ({ json });

export const string = (extra: JsonSchema = {}): Schema<string> =>
  schema({ type: 'string', ...extra });

/** An ISO-8601 time, as events store them. */
export const dateTime = (): Schema<string> => string({ format: 'date-time' });

export const integer = (extra: JsonSchema = {}): Schema<number> =>
  schema({ type: 'integer', ...extra });

export const boolean = (): Schema<boolean> => schema({ type: 'boolean' });

export const oneOfStrings = <L extends string>(...values: L[]): Schema<L> =>
  schema({ type: 'string', enum: values });

export const nullable = <T>(of: Schema<T>): Schema<T | null> =>
  schema({ anyOf: [of.json, { type: 'null' }] });

export const optional = <T>(of: Schema<T>): OptionalSchema<T> => ({
  json: of.json,
  optional: true,
});

/** Any JSON value (a runner's payload, an error's details). */
export const anyJson = (description?: string): Schema<unknown> =>
  schema(description ? { description } : {});

/** Any JSON object (state, deltas, form input). */
export const jsonObject = (description?: string): Schema<Record<string, unknown>> =>
  schema({ type: 'object', additionalProperties: true, ...(description ? { description } : {}) });

export const arrayOf = <T>(items: Schema<T>): Schema<T[]> =>
  schema({ type: 'array', items: items.json });

export const object = <P extends Properties>(properties: P): Schema<ObjectOf<P>> => {
  const entries = Object.entries(properties);
  return schema({
    type: 'object',
    properties: Object.fromEntries(entries.map(([key, value]) => [key, value.json])),
    required: entries
      .filter(([, value]) => !(value as Partial<OptionalSchema<unknown>>).optional)
      .map(([key]) => key),
    additionalProperties: false,
  });
};
