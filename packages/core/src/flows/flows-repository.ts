import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';

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
  const conditions = [
    { sql: 'f.designation = $?', value: f.designation },
    { sql: 'f.slug = $?', value: f.slug },
    { sql: 'f.name = $?', value: f.name },
    { sql: 'f.uuid = $?::uuid', value: f.uuid },
  ];
  const { rows, count } = await queryPage<FlowRecord>(
    db,
    LIST_SHAPE,
    { ...options, conditions },
    {
      columns: 'f.uuid, f.slug, f.name, f.title, f.designation',
      from: 'FROM flows f',
    },
  );
  return { flows: rows, count };
}
