import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import type { SecretBox } from '../identity/secret-box.ts';

export interface RedirectUri {
  matching_mode: 'strict' | 'regex';
  url: string;
}

/** An OAuth2/OpenID provider: one client of the core's authorization server. */
export interface OAuth2Provider {
  id: number;
  name: string;
  authorizationFlow: string;
  invalidationFlow: string;
  clientType: 'confidential' | 'public';
  clientId: string;
  redirectUris: RedirectUri[];
  accessCodeValidity: string;
  accessTokenValidity: string;
  refreshTokenValidity: string;
  includeClaimsInIdToken: boolean;
  subMode: string;
  /** Slug of the application it serves, if any: its issuer is /application/o/<slug>/. */
  applicationSlug: string | null;
}

interface Row {
  id: number;
  name: string;
  authorization_flow: string;
  invalidation_flow: string;
  client_type: 'confidential' | 'public';
  client_id: string;
  redirect_uris: RedirectUri[];
  access_code_validity: string;
  access_token_validity: string;
  refresh_token_validity: string;
  include_claims_in_id_token: boolean;
  sub_mode: string;
  application_slug: string | null;
}

const SELECT = `SELECT p.id, p.name, p.authorization_flow, p.invalidation_flow, o.client_type, o.client_id,
  o.redirect_uris, o.access_code_validity, o.access_token_validity, o.refresh_token_validity,
  o.include_claims_in_id_token, o.sub_mode, a.slug AS application_slug
  FROM oauth2_providers o JOIN providers p ON p.id = o.provider_id
  LEFT JOIN applications a ON a.provider_id = p.id`;

function toProvider(row: Row): OAuth2Provider {
  return {
    id: row.id,
    name: row.name,
    authorizationFlow: row.authorization_flow,
    invalidationFlow: row.invalidation_flow,
    clientType: row.client_type,
    clientId: row.client_id,
    redirectUris: row.redirect_uris,
    accessCodeValidity: row.access_code_validity,
    accessTokenValidity: row.access_token_validity,
    refreshTokenValidity: row.refresh_token_validity,
    includeClaimsInIdToken: row.include_claims_in_id_token,
    subMode: row.sub_mode,
    applicationSlug: row.application_slug,
  };
}

export async function findOAuth2ProviderByClientId(
  db: Queryable,
  clientId: string,
): Promise<OAuth2Provider | undefined> {
  const row = await queryOne<Row>(db, `${SELECT} WHERE o.client_id = $1`, [clientId]);
  return row && toProvider(row);
}

export async function findOAuth2ProviderBySlug(
  db: Queryable,
  slug: string,
): Promise<OAuth2Provider | undefined> {
  const row = await queryOne<Row>(db, `${SELECT} WHERE a.slug = $1`, [slug]);
  return row && toProvider(row);
}

/** The client secret in clear, for client authentication and HS256 signing. */
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

export interface NewOAuth2Provider {
  name: string;
  authorizationFlowSlug?: string;
  clientType?: 'confidential' | 'public';
  clientId: string;
  clientSecret: string;
  redirectUris: RedirectUri[];
  accessCodeValidity?: string;
  accessTokenValidity?: string;
  refreshTokenValidity?: string;
  subMode?: string;
}

/** Creates an OAuth2 provider (callers run it in a transaction). */
export async function insertOAuth2Provider(
  db: Queryable,
  box: SecretBox,
  p: NewOAuth2Provider,
): Promise<OAuth2Provider> {
  const created = await queryOne<{ id: number }>(
    db,
    `INSERT INTO providers (name, authorization_flow, invalidation_flow)
     VALUES ($1, (SELECT uuid FROM flows WHERE slug = $2), (SELECT uuid FROM flows WHERE slug = 'default-invalidation-flow'))
     RETURNING id`,
    [p.name, p.authorizationFlowSlug ?? 'default-provider-authorization-implicit-consent'],
  );
  if (!created) throw new Error('insert returned no row');
  await db.query(
    `INSERT INTO oauth2_providers (provider_id, client_type, client_id, client_secret_sealed, redirect_uris,
       access_code_validity, access_token_validity, refresh_token_validity, sub_mode)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      created.id,
      p.clientType ?? 'confidential',
      p.clientId,
      box.seal(p.clientSecret),
      JSON.stringify(p.redirectUris),
      p.accessCodeValidity ?? 'minutes=1',
      p.accessTokenValidity ?? 'hours=1',
      p.refreshTokenValidity ?? 'days=30',
      p.subMode ?? 'hashed_user_id',
    ],
  );
  const row = await queryOne<Row>(db, `${SELECT} WHERE p.id = $1`, [created.id]);
  if (!row) throw new Error('provider vanished');
  return toProvider(row);
}
