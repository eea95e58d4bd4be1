import type { Selectable } from 'kysely';
import type { Database } from './schema.js';

/**
 * A read's columns declared once, by name: each field of the row the code reads names the
 * column it comes from ("table.column"), checked against the schema (schema.ts) by the type
 * checker. The select list, the field types and, for rows read as arrays, each field's position
 * are all derived from the map, so a column cannot be read under another's name or type.
 */
export type ColumnMap<Tables extends keyof Database = keyof Database> = Readonly<
  Record<string, ColumnRef<Tables>>
>;

type ColumnRef<Tables extends keyof Database> = {
  [Table in Tables]: `${Table}.${keyof Database[Table] & string}`;
}[Tables];

/** The type a "table.column" reads as. */
export type ValueOf<Ref> = Ref extends `${infer Table extends keyof Database}.${infer Column}`
  ? Column extends keyof Selectable<Database[Table]>
    ? Selectable<Database[Table]>[Column]
    : never
  : never;

/** The row a map reads: each field typed as its column. */
export type RowOf<Map extends ColumnMap> = { readonly [Field in keyof Map]: ValueOf<Map[Field]> };

/** Reads one field of a row, however the row came. */
export type FieldReader<Map extends ColumnMap> = <Field extends keyof Map & string>(
  field: Field,
) => ValueOf<Map[Field]>;

/**
 * Two maps read together (a join): a field named in both would read one column as the other,
 * so a shared field name does not compile.
 */
export function joinedColumns<First extends ColumnMap, Second extends ColumnMap>(
  first: First,
  second: Second & { readonly [Field in keyof First]?: never },
): First & Second {
  return { ...first, ...second };
}

/** Each column selected under its field's name ("users.id as id"), in the map's order. */
export type Selection<Map extends ColumnMap> = {
  [Field in keyof Map & string]: `${Map[Field]} as ${Field}`;
}[keyof Map & string];

export function selectionOf<Map extends ColumnMap>(map: Map): Selection<Map>[] {
  return Object.entries(map).map(([field, column]) => `${column} as ${field}`) as Selection<Map>[];
}

/**
 * Reads rows returned as arrays in the select list's order (readRowArrays) by field name: the
 * positions are those selectionOf gave each field, looked up once per field name.
 */
export function arrayRowReader<Map extends ColumnMap>(
  map: Map,
): <Field extends keyof Map & string>(values: readonly unknown[], field: Field) => ValueOf<Map[Field]> {
  const positionOf: Readonly<Record<string, number>> = Object.fromEntries(
    Object.keys(map).map((field, position) => [field, position]),
  );
  return (values, field) => values[positionOf[field] as number] as ValueOf<Map[typeof field]>;
}
