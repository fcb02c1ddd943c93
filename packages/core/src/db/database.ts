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
  /**
   * Subscribes `handler` to `NOTIFY`s on `channel` (a lowercase identifier); resolves once listening, to a
   * function that stops. `onResubscribed` runs when a lost listening connection is back: notifications sent
   * meanwhile were missed, so the subscriber should catch up. Send with `notify()` below.
   */
  listen(
    channel: string,
    handler: (payload: string) => void,
    onResubscribed?: () => void,
  ): Promise<() => Promise<void>>;
  /** Answers whether the database is reachable (a trivial round trip). */
  ping(): Promise<boolean>;
  /** The connection pool's use (PostgreSQL); absent where there is no pool (the embedded database). */
  poolStats?(): { total: number; idle: number; waiting: number };
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

/** Channel names LISTEN accepts unquoted and pg_notify matches exactly: lowercase identifiers. */
export const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Largest NOTIFY payload PostgreSQL accepts, in bytes (less one for the terminator). */
export const NOTIFY_PAYLOAD_LIMIT = 7999;

/**
 * Sends a notification on `channel`. Inside a transaction it is delivered only if and when that commits, so a
 * change and its announcement stand or fall together.
 */
export async function notify(db: Queryable, channel: string, payload: string): Promise<void> {
  if (!CHANNEL_NAME.test(channel)) throw new Error(`invalid channel name ${channel}`);
  await db.query('SELECT pg_notify($1, $2)', [channel, payload]);
}
