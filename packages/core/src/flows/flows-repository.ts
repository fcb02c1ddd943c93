import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { buildListSql, type ListOptions, type ListShape } from '../db/list-query.ts';

/** A flow as providers refer to it (the flows themselves are the built-in pages). */
export interface FlowRecord {
  uuid: string;
  slug: string;
  name: string;
  title: string;
  designation: string;
}

const LIST_SHAPE: ListShape = {
  orderable: { slug: 'f.slug', name: 'f.name', designation: 'f.designation' },
  searchable: ['f.slug', 'f.name', 'f.title'],
  defaultOrder: 'f.slug ASC',
};

export async function findFlow(db: Queryable, uuid: string): Promise<FlowRecord | undefined> {
  return queryOne<FlowRecord>(db, 'SELECT uuid, slug, name, title, designation FROM flows WHERE uuid = $1', [
    uuid,
  ]);
}

export async function listFlows(
  db: Queryable,
  options: ListOptions & { filter?: { designation?: string; slug?: string; name?: string; uuid?: string } },
): Promise<{ flows: FlowRecord[]; count: number }> {
  const f = options.filter ?? {};
  const sql = buildListSql(LIST_SHAPE, {
    ...options,
    conditions: [
      { sql: 'f.designation = $?', value: f.designation },
      { sql: 'f.slug = $?', value: f.slug },
      { sql: 'f.name = $?', value: f.name },
      { sql: 'f.uuid = $?::uuid', value: f.uuid },
    ],
  });
  const flows = await db.query<FlowRecord>(
    `SELECT f.uuid, f.slug, f.name, f.title, f.designation FROM flows f ${sql.where} ${sql.orderBy} ${sql.limitOffset}`,
    sql.params,
  );
  const count = await queryOne<{ count: number }>(
    db,
    `SELECT count(*)::int AS count FROM flows f ${sql.where}`,
    sql.params.slice(0, -2),
  );
  return { flows, count: count?.count ?? 0 };
}
