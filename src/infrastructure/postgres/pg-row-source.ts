/**
 * Where a read model's upsert reads its batch's rows from. The live path sends them as ONE JSON
 * document (`jsonb_to_recordset`): one parameter, whatever the read models. A rebuild sends the
 * scalar columns as typed arrays (`unnest`) and each JSON column (folds, deltas, payloads) as
 * one JSON array indexed by row number: parsing the rows' JSON was most of a rebuild's write
 * cost in PostgreSQL (about 20 ms of its CPU per 1,000 events), and ids, names and timestamps
 * are read from arrays without building and walking a JSON tree first. JSON columns are not
 * sent as `jsonb[]`: escaping every quote of a fold into an array literal cost the rebuild
 * process more than PostgreSQL saved.
 */

/** A column of the rows a store writes: its name in the record and table, and its SQL type. */
export interface RowColumn {
  readonly name: string;
  readonly type: string;
}

export type RowEncoding = 'json' | 'arrays';

/** The columns' names as a SQL list, in their order (the upsert's INSERT and SELECT, reads). */
export const columnList = (columns: readonly RowColumn[]): string =>
  columns.map((c) => c.name).join(', ');

const isJson = (column: RowColumn) => column.type === 'jsonb';

/**
 * `<rows> AS r`, with the columns in the given order, reading the given parameters (one JSON
 * document, or one per column). A JSON null reads as SQL NULL in both encodings, as
 * `jsonb_to_recordset` reads it (the arrays' `NULLIF`), so the rows are the same.
 */
export const rowSource = (
  columns: readonly RowColumn[],
  encoding: RowEncoding,
  params: readonly string[],
): string => {
  if (encoding === 'json')
    return `jsonb_to_recordset(${params[0]}::jsonb) AS r(${columns
      .map((c) => `${c.name} ${c.type}`)
      .join(', ')})`;
  const scalars = columns.flatMap((c, i) => (isJson(c) ? [] : [{ ...c, param: params[i] }]));
  const select = columns.map((c, i) =>
    isJson(c)
      ? `NULLIF(${params[i]}::jsonb -> (u.row_number - 1)::int, 'null'::jsonb) AS ${c.name}`
      : `u.${c.name}`,
  );
  return `(SELECT ${select.join(', ')}
    FROM unnest(${scalars.map((c) => `${c.param}::${c.type}[]`).join(', ')})
    WITH ORDINALITY AS u(${[...scalars.map((c) => c.name), 'row_number'].join(', ')})) AS r`;
};

/** The parameter values for records (objects keyed by column name); a missing key is NULL. */
export const rowValues = (
  columns: readonly RowColumn[],
  encoding: RowEncoding,
  records: readonly Record<string, unknown>[],
): unknown[] => {
  if (encoding === 'json') return [JSON.stringify(records)];
  return columns.map((column) =>
    isJson(column)
      ? JSON.stringify(records.map((record) => record[column.name] ?? null))
      : records.map((record) => record[column.name] ?? null),
  );
};
