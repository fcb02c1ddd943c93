import type { Queryable } from '../db/database.ts';

/** The slug of each of these flows (outposts name flows by slug: the flow executor's URL takes one). */
export async function flowSlugs(db: Queryable, uuids: readonly string[]): Promise<Map<string, string>> {
  if (uuids.length === 0) return new Map();
  const rows = await db.query<{ uuid: string; slug: string }>(
    'SELECT uuid::text AS uuid, slug FROM flows WHERE uuid = ANY($1::uuid[])',
    [[...new Set(uuids)]],
  );
  return new Map(rows.map((r) => [r.uuid, r.slug]));
}
