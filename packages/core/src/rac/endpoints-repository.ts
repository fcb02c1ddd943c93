import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';
import type { SecretBox } from '../identity/secret-box.ts';
import type { RacAuthMode } from './providers-repository.ts';
import { type RacSettings, sealSettings, type StoredSettings, updatedSettings } from './settings.ts';

/** What an endpoint speaks. */
export type RacProtocol = 'rdp' | 'vnc' | 'ssh';

/** A host an RAC provider opens. */
export interface RacEndpoint {
  uuid: string;
  name: string;
  providerId: number;
  protocol: RacProtocol;
  host: string;
  settings: StoredSettings;
  authMode: RacAuthMode;
  /** -1: unlimited. */
  maximumConnections: number;
  propertyMappings: string[];
  /** The slug of the provider's application, if it has one (launch URLs need it). */
  applicationSlug: string | null;
}

/** What a caller may set on an endpoint. */
export interface RacEndpointFields {
  name?: string;
  providerId?: number;
  protocol?: RacProtocol;
  host?: string;
  settings?: RacSettings;
  authMode?: RacAuthMode;
  maximumConnections?: number;
  propertyMappings?: string[];
}

interface Row {
  pbm_uuid: string;
  name: string;
  provider_id: number;
  protocol: RacProtocol;
  host: string;
  settings: RacSettings;
  settings_secrets_sealed: string | null;
  auth_mode: RacAuthMode;
  maximum_connections: number;
  property_mappings: string[];
  application_slug: string | null;
}

const COLUMNS = `e.pbm_uuid, e.name, e.provider_id, e.protocol, e.host, e.settings, e.settings_secrets_sealed,
  e.auth_mode, e.maximum_connections, a.slug AS application_slug,
  coalesce((SELECT array_agg(m.mapping::text ORDER BY m.mapping) FROM rac_endpoint_property_mappings m
    WHERE m.endpoint_uuid = e.pbm_uuid), '{}'::text[]) AS property_mappings`;
const FROM = `FROM rac_endpoints e JOIN providers p ON p.id = e.provider_id
  LEFT JOIN applications a ON a.provider_id = e.provider_id`;
const LIST_SHAPE: ListShape = {
  orderable: { name: 'e.name', pk: 'e.pbm_uuid', protocol: 'e.protocol', host: 'e.host', provider: 'p.name' },
  searchable: ['e.name', 'e.host', 'p.name'],
  defaultOrder: 'e.name ASC, e.pbm_uuid ASC',
};

function toEndpoint(row: Row): RacEndpoint {
  return {
    uuid: row.pbm_uuid,
    name: row.name,
    providerId: row.provider_id,
    protocol: row.protocol,
    host: row.host,
    settings: { plain: row.settings, secretsSealed: row.settings_secrets_sealed },
    authMode: row.auth_mode,
    maximumConnections: row.maximum_connections,
    propertyMappings: row.property_mappings,
    applicationSlug: row.application_slug,
  };
}

/** An endpoint by uuid, or undefined. */
export async function findRacEndpoint(db: Queryable, uuid: string): Promise<RacEndpoint | undefined> {
  const row = await queryOne<Row>(db, `SELECT ${COLUMNS} ${FROM} WHERE e.pbm_uuid = $1`, [uuid]);
  return row && toEndpoint(row);
}

/** The filters of /rac/endpoints/. */
export interface RacEndpointFilters {
  name?: string;
  providerId?: number;
  /** Only these endpoints (the ones a user may open). */
  uuids?: string[];
}

/** One page of endpoints. */
export async function listRacEndpoints(
  db: Queryable,
  options: ListOptions & { filter?: RacEndpointFilters },
): Promise<{ endpoints: RacEndpoint[]; count: number }> {
  const f = options.filter ?? {};
  const conditions = [
    { sql: 'e.name = $?', value: f.name },
    { sql: 'e.provider_id = $?::integer', value: f.providerId },
    { sql: 'e.pbm_uuid = ANY($?::uuid[])', value: f.uuids },
  ];
  const { rows, count } = await queryPage<Row>(
    db,
    LIST_SHAPE,
    { ...options, conditions },
    { columns: COLUMNS, from: FROM },
  );
  return { endpoints: rows.map(toEndpoint), count };
}

/** Every endpoint whose provider serves an application, with that application's uuid, for access checks. */
export async function launchableRacEndpoints(
  db: Queryable,
  providerId?: number,
): Promise<Array<{ uuid: string; applicationUuid: string }>> {
  const rows = await db.query<{ uuid: string; application_uuid: string }>(
    `SELECT e.pbm_uuid AS uuid, a.pbm_uuid AS application_uuid FROM rac_endpoints e
     JOIN applications a ON a.provider_id = e.provider_id
     WHERE $1::integer IS NULL OR e.provider_id = $1::integer`,
    [providerId ?? null],
  );
  return rows.map((r) => ({ uuid: r.uuid, applicationUuid: r.application_uuid }));
}

async function setEndpointMappings(db: Queryable, uuid: string, mappings: readonly string[]): Promise<void> {
  await db.query('DELETE FROM rac_endpoint_property_mappings WHERE endpoint_uuid = $1', [uuid]);
  if (mappings.length === 0) return;
  await db.query(
    `INSERT INTO rac_endpoint_property_mappings (endpoint_uuid, mapping)
     SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
    [uuid, [...new Set(mappings.map((m) => m.toLowerCase()))]],
  );
}

/** Creates an endpoint. */
export async function insertRacEndpoint(
  db: Queryable,
  box: SecretBox,
  fields: RacEndpointFields & Required<Pick<RacEndpointFields, 'name' | 'providerId' | 'protocol' | 'host'>>,
): Promise<RacEndpoint> {
  const settings = sealSettings(box, fields.settings ?? {});
  const row = await queryOne<{ pbm_uuid: string }>(
    db,
    `INSERT INTO rac_endpoints (name, provider_id, protocol, host, settings, settings_secrets_sealed, auth_mode,
       maximum_connections)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, coalesce($7, 'static'), coalesce($8, 1)) RETURNING pbm_uuid`,
    [
      fields.name,
      fields.providerId,
      fields.protocol,
      fields.host,
      JSON.stringify(settings.plain),
      settings.secretsSealed,
      fields.authMode ?? null,
      fields.maximumConnections ?? null,
    ],
  );
  if (!row) throw new Error('insert returned no row');
  await setEndpointMappings(db, row.pbm_uuid, fields.propertyMappings ?? []);
  return (await findRacEndpoint(db, row.pbm_uuid)) as RacEndpoint;
}

/** Applies changes to an endpoint; undefined when it does not exist. */
export async function updateRacEndpoint(
  db: Queryable,
  box: SecretBox,
  uuid: string,
  fields: RacEndpointFields,
): Promise<RacEndpoint | undefined> {
  const current = await findRacEndpoint(db, uuid);
  if (!current) return undefined;
  const settings = fields.settings && updatedSettings(box, current.settings, fields.settings);
  await db.query(
    `UPDATE rac_endpoints SET name = coalesce($2, name), provider_id = coalesce($3, provider_id),
       protocol = coalesce($4, protocol), host = coalesce($5, host),
       settings = CASE WHEN $6::boolean THEN $7::jsonb ELSE settings END,
       settings_secrets_sealed = CASE WHEN $6::boolean THEN $8 ELSE settings_secrets_sealed END,
       auth_mode = coalesce($9, auth_mode), maximum_connections = coalesce($10, maximum_connections)
     WHERE pbm_uuid = $1`,
    [
      uuid,
      fields.name ?? null,
      fields.providerId ?? null,
      fields.protocol ?? null,
      fields.host ?? null,
      settings !== undefined,
      JSON.stringify(settings?.plain ?? {}),
      settings?.secretsSealed ?? null,
      fields.authMode ?? null,
      fields.maximumConnections ?? null,
    ],
  );
  if (fields.propertyMappings !== undefined) await setEndpointMappings(db, uuid, fields.propertyMappings);
  return findRacEndpoint(db, uuid);
}

/** Deletes an endpoint (its tokens cascade) and its policy bindings; false when it does not exist. */
export async function deleteRacEndpoint(db: Queryable, uuid: string): Promise<boolean> {
  const deleted = await db.query('DELETE FROM rac_endpoints WHERE pbm_uuid = $1 RETURNING pbm_uuid', [uuid]);
  if (deleted.length === 0) return false;
  await db.query('DELETE FROM policy_bindings WHERE target = $1', [uuid]);
  return true;
}
