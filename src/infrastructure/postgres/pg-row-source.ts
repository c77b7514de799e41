/**
 * Where a read model's upsert reads its batch's rows from. The live path sends them as ONE JSON
 * document (`jsonb_to_recordset`): one parameter, whatever the read models. A rebuild sends them
 * column by column as typed arrays (`unnest`), because PostgreSQL parsing the rows' JSON was
 * most of a rebuild's write cost (about 20 ms of its CPU per 1,000 events): an array of
 * timestamps or ids is read without building and walking a JSON tree first. Only the columns
 * that are JSON in the table (folds, deltas, payloads) are still parsed as JSON.
 */

/** A column of the rows a store writes: its name in the record and table, and its SQL type. */
export interface RowColumn {
  readonly name: string;
  readonly type: string;
}

export type RowEncoding = 'json' | 'arrays';

/** `<set-returning function> AS r(…)`, reading the given parameters (one JSON, or one per column). */
export const rowSource = (
  columns: readonly RowColumn[],
  encoding: RowEncoding,
  params: readonly string[],
): string =>
  encoding === 'json'
    ? `jsonb_to_recordset(${params[0]}::jsonb) AS r(${columns
        .map((c) => `${c.name} ${c.type}`)
        .join(', ')})`
    : `unnest(${columns.map((c, i) => `${params[i]}::${c.type}[]`).join(', ')}) AS r(${columns
        .map((c) => c.name)
        .join(', ')})`;

/**
 * The parameter values for records (objects keyed by column name). In arrays, a JSON column's
 * values are sent as JSON text and SQL NULL stays NULL, as `jsonb_to_recordset` reads a JSON
 * null; a missing key is NULL in both.
 */
export const rowValues = (
  columns: readonly RowColumn[],
  encoding: RowEncoding,
  records: readonly Record<string, unknown>[],
): unknown[] => {
  if (encoding === 'json') return [JSON.stringify(records)];
  return columns.map((column) => {
    const json = column.type === 'jsonb';
    return records.map((record) => {
      const value = record[column.name];
      if (value === undefined || value === null) return null;
      return json ? JSON.stringify(value) : value;
    });
  });
};
