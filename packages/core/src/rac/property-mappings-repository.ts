import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';
import type { SecretBox } from '../identity/secret-box.ts';
import { type RacSettings, sealSettings, type StoredSettings, updatedSettings } from './settings.ts';

/** An RAC property mapping: static settings merged into the connections of the providers and endpoints using it. */
export interface RacPropertyMapping {
  uuid: string;
  name: string;
  managed: string | null;
  staticSettings: StoredSettings;
}

/** What a caller may set on a mapping. */
export interface RacPropertyMappingFields {
  name?: string;
  managed?: string | null;
  staticSettings?: RacSettings;
}

interface Row {
  pm_uuid: string;
  name: string;
  managed: string | null;
  static_settings: RacSettings;
  static_secrets_sealed: string | null;
}

const COLUMNS = 'm.pm_uuid, m.name, m.managed, m.static_settings, m.static_secrets_sealed';
const FROM = 'FROM rac_property_mappings m';
const LIST_SHAPE: ListShape = {
  orderable: { name: 'm.name', pk: 'm.pm_uuid', managed: 'm.managed' },
  searchable: ['m.name'],
  defaultOrder: 'm.name ASC, m.pm_uuid ASC',
};

function toMapping(row: Row): RacPropertyMapping {
  return {
    uuid: row.pm_uuid,
    name: row.name,
    managed: row.managed,
    staticSettings: { plain: row.static_settings, secretsSealed: row.static_secrets_sealed },
  };
}

/** A mapping by uuid, or undefined. */
export async function findRacPropertyMapping(
  db: Queryable,
  uuid: string,
): Promise<RacPropertyMapping | undefined> {
  const row = await queryOne<Row>(db, `SELECT ${COLUMNS} ${FROM} WHERE m.pm_uuid = $1`, [uuid]);
  return row && toMapping(row);
}

/** The mappings with these uuids, in name order (the order the settings merge applies them in). */
export async function findRacPropertyMappings(
  db: Queryable,
  uuids: readonly string[],
): Promise<RacPropertyMapping[]> {
  if (uuids.length === 0) return [];
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} ${FROM} WHERE m.pm_uuid = ANY($1::uuid[]) ORDER BY m.name, m.pm_uuid`,
    [[...uuids]],
  );
  return rows.map(toMapping);
}

/** One page of mappings. */
export async function listRacPropertyMappings(
  db: Queryable,
  options: ListOptions & { filter?: { name?: string; managed?: string[] } },
): Promise<{ mappings: RacPropertyMapping[]; count: number }> {
  const f = options.filter ?? {};
  const conditions = [
    { sql: 'm.name = $?', value: f.name },
    { sql: 'm.managed = ANY($?::text[])', value: f.managed?.length ? f.managed : undefined },
  ];
  const { rows, count } = await queryPage<Row>(
    db,
    LIST_SHAPE,
    { ...options, conditions },
    { columns: COLUMNS, from: FROM },
  );
  return { mappings: rows.map(toMapping), count };
}

/** Creates a mapping. */
export async function insertRacPropertyMapping(
  db: Queryable,
  box: SecretBox,
  fields: RacPropertyMappingFields & { name: string },
): Promise<RacPropertyMapping> {
  const settings = sealSettings(box, fields.staticSettings ?? {});
  const row = await queryOne<Row>(
    db,
    `INSERT INTO rac_property_mappings (name, managed, static_settings, static_secrets_sealed)
     VALUES ($1, $2, $3::jsonb, $4) RETURNING pm_uuid, name, managed, static_settings, static_secrets_sealed`,
    [fields.name, fields.managed ?? null, JSON.stringify(settings.plain), settings.secretsSealed],
  );
  if (!row) throw new Error('insert returned no row');
  return toMapping(row);
}

/** Applies changes to a mapping; undefined when it does not exist. */
export async function updateRacPropertyMapping(
  db: Queryable,
  box: SecretBox,
  uuid: string,
  fields: RacPropertyMappingFields,
): Promise<RacPropertyMapping | undefined> {
  const current = await findRacPropertyMapping(db, uuid);
  if (!current) return undefined;
  const settings =
    fields.staticSettings && updatedSettings(box, current.staticSettings, fields.staticSettings);
  const row = await queryOne<Row>(
    db,
    `UPDATE rac_property_mappings SET name = coalesce($2, name),
       managed = CASE WHEN $3::boolean THEN $4 ELSE managed END,
       static_settings = CASE WHEN $5::boolean THEN $6::jsonb ELSE static_settings END,
       static_secrets_sealed = CASE WHEN $5::boolean THEN $7 ELSE static_secrets_sealed END
     WHERE pm_uuid = $1 RETURNING pm_uuid, name, managed, static_settings, static_secrets_sealed`,
    [
      uuid,
      fields.name ?? null,
      fields.managed !== undefined,
      fields.managed ?? null,
      settings !== undefined,
      JSON.stringify(settings?.plain ?? {}),
      settings?.secretsSealed ?? null,
    ],
  );
  return row && toMapping(row);
}

/**
 * Deletes a mapping, and takes it off the providers that use it (their links live in the shared
 * provider_property_mappings table, which has no foreign key); endpoints' links cascade.
 */
export async function deleteRacPropertyMapping(db: Queryable, uuid: string): Promise<boolean> {
  const deleted = await db.query('DELETE FROM rac_property_mappings WHERE pm_uuid = $1 RETURNING pm_uuid', [
    uuid,
  ]);
  if (deleted.length === 0) return false;
  await db.query('DELETE FROM provider_property_mappings WHERE mapping = $1::uuid', [uuid]);
  return true;
}

/** The uuids among `uuids` that name no RAC property mapping. */
export async function unknownRacPropertyMappings(db: Queryable, uuids: readonly string[]): Promise<string[]> {
  const found = await findRacPropertyMappings(db, uuids);
  const known = new Set(found.map((m) => m.uuid));
  return uuids.filter((u) => !known.has(u.toLowerCase()));
}
