/**
 * The one storage interface of the core. Both backends speak the PostgreSQL dialect, so every query,
 * repository and migration is written once and runs on the embedded database and on a real server alike.
 */

/** Something that runs SQL: the database itself, or a transaction in progress. */
export interface Queryable {
  /** Runs one statement with `$1`-style parameters and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** A database handle: query, run work in a transaction, close. */
export interface Database extends Queryable {
  /** `embedded` (PGlite in the data folder) or `postgres` (a server, through `pg`). */
  readonly kind: 'embedded' | 'postgres';
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Answers whether the database is reachable (a trivial round trip). */
  ping(): Promise<boolean>;
  /** Closes every connection; the handle is unusable afterwards. */
  close(): Promise<void>;
}

/** Returns the first row of a query, or undefined. */
export async function queryOne<Row = Record<string, unknown>>(
  db: Queryable,
  sql: string,
  params?: readonly unknown[],
): Promise<Row | undefined> {
  const rows = await db.query<Row>(sql, params);
  return rows[0];
}
