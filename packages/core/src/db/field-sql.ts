/**
 * INSERT and UPDATE statements built from a repository's field -> column map, so a repository lists its
 * columns once and only the fields a caller set (not undefined) are written. Column names come from the
 * map, never from the caller; values are always parameters.
 */

type Entries = Array<[string, unknown]>;

function setEntries<F extends object>(fields: F, columns: Record<keyof F, string>): Entries {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => [columns[key as keyof F], value]);
}

/** `INSERT INTO <table> (...) VALUES (...) RETURNING <returning>` with its parameters. */
export function insertStatement<F extends object>(
  table: string,
  columns: Record<keyof F, string>,
  fields: F,
  returning: string,
): { sql: string; params: unknown[] } {
  const entries = setEntries(fields, columns);
  return {
    sql: `INSERT INTO ${table} (${entries.map(([c]) => c).join(', ')})
      VALUES (${entries.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${returning}`,
    params: entries.map(([, v]) => v),
  };
}

/**
 * `UPDATE <table> SET ... WHERE <key> = $1 RETURNING <returning>`, or undefined when no field is set
 * (the caller then reads the row as it is).
 */
export function updateStatement<F extends object>(
  table: string,
  columns: Record<keyof F, string>,
  fields: F,
  where: string,
  returning: string,
): { sql: string; params: unknown[] } | undefined {
  const entries = setEntries(fields, columns);
  if (entries.length === 0) return undefined;
  return {
    sql: `UPDATE ${table} SET ${entries.map(([c], i) => `${c} = $${i + 2}`).join(', ')}
      WHERE ${where} = $1 RETURNING ${returning}`,
    params: entries.map(([, v]) => v),
  };
}
