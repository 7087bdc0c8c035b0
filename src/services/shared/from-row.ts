/** A raw row (snake_case columns, from SQL written by hand) as entity properties. */
export function fromRow<T>(
  columns: ReadonlyArray<{ databaseName: string; propertyName: string }>,
  row: Record<string, unknown>,
): Partial<T> {
  return Object.fromEntries(columns.map((column) => [column.propertyName, row[column.databaseName]])) as Partial<T>;
}
