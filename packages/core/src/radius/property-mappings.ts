import type { ReplyAttribute } from '@palisade/schema';
import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, queryPage } from '../db/list-query.ts';

/** A RADIUS property mapping: a named list of attributes to add to an Access-Accept. */
export interface RadiusPropertyMapping {
  uuid: string;
  name: string;
  managed: string | null;
  attributes: ReplyAttribute[];
}

const COLUMNS = 'm.uuid::text AS uuid, m.name, m.managed, m.attributes';
const FROM = 'FROM radius_property_mappings m';

/** One mapping by uuid, or undefined. */
export async function findRadiusMapping(
  db: Queryable,
  uuid: string,
): Promise<RadiusPropertyMapping | undefined> {
  return queryOne<RadiusPropertyMapping>(db, `SELECT ${COLUMNS} ${FROM} WHERE m.uuid = $1`, [uuid]);
}

/** One page of mappings (filters `managed` any of, `managed__isnull`). */
export async function listRadiusMappings(
  db: Queryable,
  options: ListOptions & { filter?: { managed?: string[]; managedIsNull?: boolean } },
): Promise<{ mappings: RadiusPropertyMapping[]; count: number }> {
  const f = options.filter ?? {};
  const { rows, count } = await queryPage<RadiusPropertyMapping>(
    db,
    {
      orderable: { name: 'm.name', managed: 'm.managed' },
      searchable: ['m.name'],
      defaultOrder: 'm.name ASC',
    },
    {
      ...options,
      conditions: [
        { sql: 'm.managed = ANY($?::text[])', value: f.managed?.length ? f.managed : undefined },
        { sql: '(m.managed IS NULL) = $?::boolean', value: f.managedIsNull },
      ],
    },
    { columns: COLUMNS, from: FROM },
  );
  return { mappings: rows, count };
}

/** Creates a mapping. */
export async function insertRadiusMapping(
  db: Queryable,
  fields: Omit<RadiusPropertyMapping, 'uuid'>,
): Promise<RadiusPropertyMapping> {
  const row = await queryOne<{ uuid: string }>(
    db,
    'INSERT INTO radius_property_mappings (name, managed, attributes) VALUES ($1, $2, $3::jsonb) RETURNING uuid',
    [fields.name, fields.managed, JSON.stringify(fields.attributes)],
  );
  if (!row) throw new Error('insert returned no row');
  return (await findRadiusMapping(db, row.uuid)) as RadiusPropertyMapping;
}

/** Applies changes to a mapping; undefined when it does not exist. */
export async function updateRadiusMapping(
  db: Queryable,
  uuid: string,
  fields: Partial<Omit<RadiusPropertyMapping, 'uuid'>>,
): Promise<RadiusPropertyMapping | undefined> {
  await db.query(
    `UPDATE radius_property_mappings SET name = coalesce($2, name),
       managed = CASE WHEN $3::boolean THEN $4 ELSE managed END,
       attributes = coalesce($5::jsonb, attributes)
     WHERE uuid = $1`,
    [
      uuid,
      fields.name ?? null,
      fields.managed !== undefined,
      fields.managed ?? null,
      fields.attributes ? JSON.stringify(fields.attributes) : null,
    ],
  );
  return findRadiusMapping(db, uuid);
}

/** Deletes a mapping and its links to providers; false when it did not exist. */
export async function deleteRadiusMapping(db: Queryable, uuid: string): Promise<boolean> {
  await db.query('DELETE FROM provider_property_mappings WHERE mapping = $1', [uuid]);
  return (
    (await db.query('DELETE FROM radius_property_mappings WHERE uuid = $1 RETURNING uuid', [uuid])).length ===
    1
  );
}

/** The uuids among these that name no RADIUS mapping. */
export async function unknownRadiusMappings(db: Queryable, uuids: readonly string[]): Promise<string[]> {
  if (uuids.length === 0) return [];
  const rows = await db.query<{ uuid: string }>(
    'SELECT uuid::text AS uuid FROM radius_property_mappings WHERE uuid = ANY($1::uuid[])',
    [uuids],
  );
  const known = new Set(rows.map((r) => r.uuid));
  return uuids.filter((u) => !known.has(u.toLowerCase()));
}

/** The attributes a provider's mappings add, the mappings taken in name order (as the reference runs them). */
export async function replyAttributesOf(db: Queryable, providerId: number): Promise<ReplyAttribute[]> {
  const rows = await db.query<{ attributes: ReplyAttribute[] }>(
    `SELECT m.attributes FROM provider_property_mappings l
     JOIN radius_property_mappings m ON m.uuid = l.mapping
     WHERE l.provider_id = $1 ORDER BY m.name, m.uuid`,
    [providerId],
  );
  return rows.flatMap((r) => r.attributes);
}
