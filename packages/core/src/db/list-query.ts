import type { Queryable } from './database.ts';

/**
 * Builds the WHERE / ORDER BY / LIMIT part of a list query from API filters, so every list endpoint shares
 * one implementation of search, ordering and pagination, and no user input ever reaches the SQL text.
 */

/** What a list endpoint asks of a repository. */
export interface ListOptions {
  /** Equality and set filters already mapped to columns: column SQL -> value (array = any of). */
  filters?: Record<string, unknown>;
  /** Other conditions, each SQL with one `$?` standing for its value (undefined values are skipped). */
  conditions?: ReadonlyArray<{ sql: string; value: unknown }>;
  /** A search term matched case-insensitively against the repository's search columns. */
  search?: string;
  /** An API field name, optionally prefixed with `-` for descending. */
  ordering?: string;
  limit: number;
  offset: number;
}

/** A repository's description of what may be searched and ordered. */
export interface ListShape {
  /** API ordering field -> SQL expression. Unknown fields are ignored, as the reference does. */
  orderable: Record<string, string>;
  /** SQL expressions searched with ILIKE. */
  searchable: string[];
  /** Tie-breaker so pages are stable. */
  defaultOrder: string;
}

/** The SQL fragments and parameters for one list query. */
export interface ListSql {
  where: string;
  orderBy: string;
  limitOffset: string;
  params: unknown[];
}

/** Turns list options into SQL, numbering parameters after `firstParam - 1` existing ones. */
export function buildListSql(shape: ListShape, options: ListOptions, firstParam = 1): ListSql {
  const params: unknown[] = [];
  const next = (value: unknown) => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };
  const clauses: string[] = [];
  for (const [column, value] of Object.entries(options.filters ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) clauses.push(`${column} = ANY(${next(value)})`);
    else clauses.push(`${column} = ${next(value)}`);
  }
  for (const condition of options.conditions ?? []) {
    if (condition.value === undefined) continue;
    clauses.push(`(${condition.sql.replaceAll('$?', next(condition.value))})`);
  }
  if (options.search) {
    const term = next(`%${escapeLike(options.search)}%`);
    clauses.push(`(${shape.searchable.map((c) => `${c} ILIKE ${term}`).join(' OR ')})`);
  }
  const order: string[] = [];
  for (const field of (options.ordering ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)) {
    const descending = field.startsWith('-');
    const expression = shape.orderable[descending ? field.slice(1) : field];
    if (expression) order.push(`${expression} ${descending ? 'DESC' : 'ASC'}`);
  }
  order.push(shape.defaultOrder);
  return {
    where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '',
    orderBy: `ORDER BY ${order.join(', ')}`,
    limitOffset: `LIMIT ${next(options.limit)} OFFSET ${next(options.offset)}`,
    params,
  };
}

function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Runs a list query: one page of `SELECT <columns> <from>` filtered, searched and ordered per `options`, and
 * the total count of matching rows (for the pagination envelope).
 */
export async function queryPage<Row>(
  db: Queryable,
  shape: ListShape,
  options: ListOptions,
  select: { columns: string; from: string },
): Promise<{ rows: Row[]; count: number }> {
  const sql = buildListSql(shape, options);
  const rows = await db.query<Row>(
    `SELECT ${select.columns} ${select.from} ${sql.where} ${sql.orderBy} ${sql.limitOffset}`,
    sql.params,
  );
  // The last two parameters are the page window, which the count does not use.
  const count = await db.query<{ count: number }>(
    `SELECT count(*)::int AS count ${select.from} ${sql.where}`,
    sql.params.slice(0, -2),
  );
  return { rows, count: count[0]?.count ?? 0 };
}
