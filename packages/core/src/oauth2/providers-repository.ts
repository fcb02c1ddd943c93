import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';
import type { SecretBox } from '../identity/secret-box.ts';
import { PROPERTY_MAPPINGS_COLUMN } from '../providers/property-mappings-repository.ts';
import { insertProviderRow, PROVIDER_COLUMNS, toProviderSummary } from '../providers/providers-repository.ts';

export interface RedirectUri {
  matching_mode: 'strict' | 'regex';
  url: string;
}

/** An OAuth2/OpenID provider: one client of the core's authorization server. */
export interface OAuth2Provider {
  id: number;
  name: string;
  authenticationFlow: string | null;
  authorizationFlow: string;
  invalidationFlow: string;
  clientType: 'confidential' | 'public';
  clientId: string;
  redirectUris: RedirectUri[];
  accessCodeValidity: string;
  accessTokenValidity: string;
  refreshTokenValidity: string;
  refreshTokenThreshold: string;
  includeClaimsInIdToken: boolean;
  subMode: string;
  issuerMode: string;
  logoutUri: string;
  logoutMethod: string;
  /** The keypair that signs its tokens; null signs them HS256 with the client secret. */
  signingKey: string | null;
  /** Opaque access tokens (usable at userinfo), or JWTs for the client itself, which outposts verify. */
  accessTokenFormat: 'opaque' | 'jwt';
  /** The uuids of the scope mappings it releases. */
  propertyMappings: string[];
  /** The application it serves, if any: its issuer is /application/o/<slug>/. */
  applicationSlug: string | null;
  applicationName: string | null;
}

/** Fields of the provider row and of its OAuth2 row that a caller may set. */
export type OAuth2ProviderFields = Partial<
  Omit<OAuth2Provider, 'id' | 'applicationSlug' | 'applicationName' | 'propertyMappings'> & {
    clientSecret: string;
  }
>;

/** A client id Palisade makes when the admin gives none (as long as the reference's). */
export const newClientId = (): string => randomBytes(30).toString('base64url');
/** A client secret Palisade makes when the admin gives none (as long as the reference's). */
export const newClientSecret = (): string => randomBytes(96).toString('base64url');

/** A provider row as OAUTH2_PROVIDER_SELECT reads it. */
export interface OAuth2ProviderRow {
  id: number;
  name: string;
  authentication_flow: string | null;
  authorization_flow: string;
  invalidation_flow: string;
  client_type: 'confidential' | 'public';
  client_id: string;
  redirect_uris: RedirectUri[];
  access_code_validity: string;
  access_token_validity: string;
  refresh_token_validity: string;
  refresh_token_threshold: string;
  include_claims_in_id_token: boolean;
  sub_mode: string;
  issuer_mode: string;
  logout_uri: string;
  logout_method: string;
  signing_key: string | null;
  access_token_format: 'opaque' | 'jwt';
  property_mappings: string[];
  application_slug: string | null;
  application_name: string | null;
}

const COLUMNS = `p.id, p.name, p.authentication_flow, p.authorization_flow, p.invalidation_flow, o.client_type,
  o.client_id, o.redirect_uris, o.access_code_validity, o.access_token_validity, o.refresh_token_validity,
  o.refresh_token_threshold, o.include_claims_in_id_token, o.sub_mode, o.issuer_mode, o.logout_uri,
  o.logout_method, o.signing_key, o.access_token_format, ${PROPERTY_MAPPINGS_COLUMN} AS property_mappings,
  a.slug AS application_slug, a.name AS application_name`;
const FROM = `FROM oauth2_providers o JOIN providers p ON p.id = o.provider_id
  LEFT JOIN applications a ON a.provider_id = p.id`;
const SELECT = `SELECT ${COLUMNS} ${FROM}`;

/** The columns and joins that read OAuth2 providers (aliases p, o, a), for kinds built on them. */
export const OAUTH2_PROVIDER_SELECT = { columns: COLUMNS, from: FROM } as const;

const OAUTH2_COLUMNS = {
  clientType: 'client_type',
  clientId: 'client_id',
  redirectUris: 'redirect_uris',
  accessCodeValidity: 'access_code_validity',
  accessTokenValidity: 'access_token_validity',
  refreshTokenValidity: 'refresh_token_validity',
  refreshTokenThreshold: 'refresh_token_threshold',
  includeClaimsInIdToken: 'include_claims_in_id_token',
  subMode: 'sub_mode',
  issuerMode: 'issuer_mode',
  logoutUri: 'logout_uri',
  logoutMethod: 'logout_method',
  signingKey: 'signing_key',
  accessTokenFormat: 'access_token_format',
} as const;

const LIST_SHAPE: ListShape = {
  orderable: { name: 'p.name', pk: 'p.id', client_id: 'o.client_id' },
  searchable: ['p.name', 'o.client_id', 'a.slug'],
  defaultOrder: 'p.name ASC, p.id ASC',
};

/** Turns a row read with OAUTH2_PROVIDER_SELECT into the provider. */
export function toOAuth2Provider(row: OAuth2ProviderRow): OAuth2Provider {
  return {
    ...toProviderSummary(row),
    clientType: row.client_type,
    clientId: row.client_id,
    redirectUris: row.redirect_uris,
    accessCodeValidity: row.access_code_validity,
    accessTokenValidity: row.access_token_validity,
    refreshTokenValidity: row.refresh_token_validity,
    refreshTokenThreshold: row.refresh_token_threshold,
    includeClaimsInIdToken: row.include_claims_in_id_token,
    subMode: row.sub_mode,
    issuerMode: row.issuer_mode,
    logoutUri: row.logout_uri,
    logoutMethod: row.logout_method,
    signingKey: row.signing_key,
    accessTokenFormat: row.access_token_format,
  };
}

export async function findOAuth2Provider(db: Queryable, id: number): Promise<OAuth2Provider | undefined> {
  const row = await queryOne<OAuth2ProviderRow>(db, `${SELECT} WHERE p.id = $1`, [id]);
  return row && toOAuth2Provider(row);
}

export async function findOAuth2ProviderByClientId(
  db: Queryable,
  clientId: string,
): Promise<OAuth2Provider | undefined> {
  const row = await queryOne<OAuth2ProviderRow>(db, `${SELECT} WHERE o.client_id = $1`, [clientId]);
  return row && toOAuth2Provider(row);
}

/** The OAuth2 provider of the application with this slug, if it has one. */
export async function findOAuth2ProviderBySlug(
  db: Queryable,
  slug: string,
): Promise<OAuth2Provider | undefined> {
  const row = await queryOne<OAuth2ProviderRow>(db, `${SELECT} WHERE a.slug = $1`, [slug]);
  return row && toOAuth2Provider(row);
}

/** The list filters the API offers on OAuth2 providers. */
export interface OAuth2ProviderFilters {
  name?: string;
  clientId?: string;
  clientType?: string;
  applicationSlug?: string;
}

export async function listOAuth2Providers(
  db: Queryable,
  options: ListOptions & { filter?: OAuth2ProviderFilters },
): Promise<{ providers: OAuth2Provider[]; count: number }> {
  const f = options.filter ?? {};
  const conditions = [
    { sql: 'p.name = $?', value: f.name },
    { sql: 'o.client_id = $?', value: f.clientId },
    { sql: 'o.client_type = $?', value: f.clientType },
    { sql: 'a.slug = $?', value: f.applicationSlug },
  ];
  const { rows, count } = await queryPage<OAuth2ProviderRow>(
    db,
    LIST_SHAPE,
    { ...options, conditions },
    { columns: COLUMNS, from: FROM },
  );
  return { providers: rows.map(toOAuth2Provider), count };
}

/** The client secret in clear, for client authentication and the admin API. */
export async function revealClientSecret(
  db: Queryable,
  box: SecretBox,
  providerId: number,
): Promise<string | undefined> {
  const row = await queryOne<{ client_secret_sealed: string }>(
    db,
    'SELECT client_secret_sealed FROM oauth2_providers WHERE provider_id = $1',
    [providerId],
  );
  return row && box.open(row.client_secret_sealed);
}

function columnValue(key: string, value: unknown): unknown {
  return key === 'redirectUris' ? JSON.stringify(value) : value;
}

/** Creates an OAuth2 provider; flows not given default to the implicit-consent and default invalidation flows. */
export async function insertOAuth2Provider(
  db: Queryable,
  box: SecretBox,
  fields: OAuth2ProviderFields & { name: string; clientId: string; clientSecret: string },
): Promise<OAuth2Provider> {
  const id = await insertProviderRow(db, fields);
  const columns = ['provider_id', 'client_secret_sealed'];
  const params: unknown[] = [id, box.seal(fields.clientSecret)];
  for (const [key, column] of Object.entries(OAUTH2_COLUMNS)) {
    const value = fields[key as keyof typeof OAUTH2_COLUMNS];
    if (value === undefined) continue;
    columns.push(column);
    params.push(columnValue(key, value));
  }
  await db.query(
    `INSERT INTO oauth2_providers (${columns.join(', ')}) VALUES (${params.map((_, i) => `$${i + 1}`).join(', ')})`,
    params,
  );
  return (await findOAuth2Provider(db, id)) as OAuth2Provider;
}

/** Applies changes to a provider; undefined when it does not exist. */
export async function updateOAuth2Provider(
  db: Queryable,
  box: SecretBox,
  id: number,
  fields: OAuth2ProviderFields,
): Promise<OAuth2Provider | undefined> {
  if (!(await findOAuth2Provider(db, id))) return undefined;
  for (const [table, key, mapping] of [
    ['providers', 'id', PROVIDER_COLUMNS],
    ['oauth2_providers', 'provider_id', OAUTH2_COLUMNS],
  ] as const) {
    const params: unknown[] = [id];
    const sets: string[] = [];
    for (const [field, column] of Object.entries(mapping)) {
      const value = fields[field as keyof OAuth2ProviderFields];
      if (value !== undefined) sets.push(`${column} = $${params.push(columnValue(field, value))}`);
    }
    if (table === 'oauth2_providers' && fields.clientSecret !== undefined) {
      sets.push(`client_secret_sealed = $${params.push(box.seal(fields.clientSecret))}`);
    }
    if (sets.length) await db.query(`UPDATE ${table} SET ${sets.join(', ')} WHERE ${key} = $1`, params);
  }
  return findOAuth2Provider(db, id);
}

/** Deletes a provider; its application keeps existing, without a provider. */
export async function deleteOAuth2Provider(db: Queryable, id: number): Promise<boolean> {
  return (await db.query('DELETE FROM providers WHERE id = $1 RETURNING id', [id])).length === 1;
}
