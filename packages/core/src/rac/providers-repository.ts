import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';
import type { SecretBox } from '../identity/secret-box.ts';
import { setPropertyMappings } from '../providers/property-mappings-repository.ts';
import {
  insertProviderRow,
  SUMMARY_COLUMNS,
  type ProviderSummary,
  type ProviderSummaryRow,
  toProviderSummary,
} from '../providers/providers-repository.ts';
import { type RacSettings, sealSettings, type StoredSettings, updatedSettings } from './settings.ts';

/** static: credentials come from the settings; prompt: from a prompt stage in the authorization flow. */
export type RacAuthMode = 'static' | 'prompt';

/** An RAC provider: how its endpoints are launched and what settings they all share. */
export interface RacProvider extends ProviderSummary {
  settings: StoredSettings;
  authMode: RacAuthMode;
  connectionExpiry: string;
  deleteTokenOnDisconnect: boolean;
  /** Names of the outposts that serve it. */
  outpostSet: string[];
}

/** What a caller may set on an RAC provider. */
export interface RacProviderFields {
  name?: string;
  authenticationFlow?: string | null;
  authorizationFlow?: string;
  invalidationFlow?: string;
  propertyMappings?: string[];
  settings?: RacSettings;
  authMode?: RacAuthMode;
  connectionExpiry?: string;
  deleteTokenOnDisconnect?: boolean;
}

interface Row extends ProviderSummaryRow {
  settings: RacSettings;
  settings_secrets_sealed: string | null;
  auth_mode: RacAuthMode;
  connection_expiry: string;
  delete_token_on_disconnect: boolean;
  outpost_set: string[];
}

const COLUMNS = `${SUMMARY_COLUMNS},
  r.settings, r.settings_secrets_sealed, r.auth_mode, r.connection_expiry, r.delete_token_on_disconnect,
  coalesce((SELECT array_agg(o.name ORDER BY o.name) FROM outpost_providers op
    JOIN outposts o ON o.uuid = op.outpost_uuid WHERE op.provider_id = p.id), '{}'::text[]) AS outpost_set`;
const FROM = `FROM providers p JOIN rac_providers r ON r.provider_id = p.id
  LEFT JOIN applications a ON a.provider_id = p.id`;

const LIST_SHAPE: ListShape = {
  orderable: { name: 'p.name', pk: 'p.id' },
  searchable: ['p.name'],
  defaultOrder: 'p.name ASC, p.id ASC',
};

function toProvider(row: Row): RacProvider {
  return {
    ...toProviderSummary(row),
    settings: { plain: row.settings, secretsSealed: row.settings_secrets_sealed },
    authMode: row.auth_mode,
    connectionExpiry: row.connection_expiry,
    deleteTokenOnDisconnect: row.delete_token_on_disconnect,
    outpostSet: row.outpost_set,
  };
}

/** An RAC provider by pk, or undefined (also for a provider of another kind). */
export async function findRacProvider(db: Queryable, id: number): Promise<RacProvider | undefined> {
  const row = await queryOne<Row>(db, `SELECT ${COLUMNS} ${FROM} WHERE p.id = $1`, [id]);
  return row && toProvider(row);
}

/** The RAC providers with these pks, keyed by pk. */
export async function findRacProviders(
  db: Queryable,
  ids: readonly number[],
): Promise<Map<number, RacProvider>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<Row>(`SELECT ${COLUMNS} ${FROM} WHERE p.id = ANY($1::int[])`, [[...ids]]);
  return new Map(rows.map((row) => [row.id, toProvider(row)]));
}

/** One page of RAC providers. */
export async function listRacProviders(
  db: Queryable,
  options: ListOptions & { filter?: { applicationIsNull?: boolean; nameIexact?: string } },
): Promise<{ providers: RacProvider[]; count: number }> {
  const f = options.filter ?? {};
  const conditions = [
    { sql: '(a.pbm_uuid IS NULL) = $?::boolean', value: f.applicationIsNull },
    { sql: 'lower(p.name) = lower($?::text)', value: f.nameIexact },
  ];
  const { rows, count } = await queryPage<Row>(
    db,
    LIST_SHAPE,
    { ...options, conditions },
    { columns: COLUMNS, from: FROM },
  );
  return { providers: rows.map(toProvider), count };
}

/** Creates an RAC provider (flows default to the instance's default authorization and invalidation flows). */
export async function insertRacProvider(
  db: Queryable,
  box: SecretBox,
  fields: RacProviderFields & { name: string },
): Promise<RacProvider> {
  const id = await insertProviderRow(db, fields);
  const settings = sealSettings(box, fields.settings ?? {});
  await db.query(
    `INSERT INTO rac_providers (provider_id, settings, settings_secrets_sealed, auth_mode, connection_expiry,
       delete_token_on_disconnect)
     VALUES ($1, $2::jsonb, $3, coalesce($4, 'static'), coalesce($5, 'hours=8'), coalesce($6, false))`,
    [
      id,
      JSON.stringify(settings.plain),
      settings.secretsSealed,
      fields.authMode ?? null,
      fields.connectionExpiry ?? null,
      fields.deleteTokenOnDisconnect ?? null,
    ],
  );
  await setPropertyMappings(db, id, fields.propertyMappings ?? []);
  return (await findRacProvider(db, id)) as RacProvider;
}

/** Applies changes to an RAC provider; undefined when there is none with this pk. */
export async function updateRacProvider(
  db: Queryable,
  box: SecretBox,
  id: number,
  fields: RacProviderFields,
): Promise<RacProvider | undefined> {
  const current = await findRacProvider(db, id);
  if (!current) return undefined;
  await db.query(
    `UPDATE providers SET name = coalesce($2, name), authorization_flow = coalesce($3, authorization_flow),
       invalidation_flow = coalesce($4, invalidation_flow),
       authentication_flow = CASE WHEN $5::boolean THEN $6::uuid ELSE authentication_flow END
     WHERE id = $1`,
    [
      id,
      fields.name ?? null,
      fields.authorizationFlow ?? null,
      fields.invalidationFlow ?? null,
      fields.authenticationFlow !== undefined,
      fields.authenticationFlow ?? null,
    ],
  );
  const settings = fields.settings && updatedSettings(box, current.settings, fields.settings);
  await db.query(
    `UPDATE rac_providers SET
       settings = CASE WHEN $2::boolean THEN $3::jsonb ELSE settings END,
       settings_secrets_sealed = CASE WHEN $2::boolean THEN $4 ELSE settings_secrets_sealed END,
       auth_mode = coalesce($5, auth_mode), connection_expiry = coalesce($6, connection_expiry),
       delete_token_on_disconnect = coalesce($7, delete_token_on_disconnect)
     WHERE provider_id = $1`,
    [
      id,
      settings !== undefined,
      JSON.stringify(settings?.plain ?? {}),
      settings?.secretsSealed ?? null,
      fields.authMode ?? null,
      fields.connectionExpiry ?? null,
      fields.deleteTokenOnDisconnect ?? null,
    ],
  );
  if (fields.propertyMappings !== undefined) await setPropertyMappings(db, id, fields.propertyMappings);
  return findRacProvider(db, id);
}

/** Deletes an RAC provider with its endpoints and tokens; false when there is no RAC provider with this pk. */
export async function deleteRacProvider(db: Queryable, id: number): Promise<boolean> {
  // The endpoints cascade away with the provider; their policy bindings (no foreign key) go first.
  await db.query(
    `DELETE FROM policy_bindings WHERE target IN (SELECT pbm_uuid FROM rac_endpoints WHERE provider_id = $1)`,
    [id],
  );
  const deleted = await db.query(
    `DELETE FROM providers WHERE id = $1 AND EXISTS (SELECT 1 FROM rac_providers WHERE provider_id = $1)
     RETURNING id`,
    [id],
  );
  return deleted.length === 1;
}
