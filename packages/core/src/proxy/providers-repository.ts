import { randomInt } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';
import type { SecretBox } from '../identity/secret-box.ts';
import {
  insertOAuth2Provider,
  newClientId,
  newClientSecret,
  OAUTH2_PROVIDER_SELECT,
  type OAuth2Provider,
  type OAuth2ProviderRow,
  toOAuth2Provider,
  updateOAuth2Provider,
} from '../oauth2/providers-repository.ts';
import { setPropertyMappings } from '../providers/property-mappings-repository.ts';
import {
  callbackRedirectUris,
  DEFAULT_PROXY_SCOPE_MAPPINGS,
  keepProxyClientInStep,
} from './oauth2-client.ts';

/** How the outpost serves the application (spec §3). */
export type ProxyMode = 'proxy' | 'forward_single' | 'forward_domain';

/** A proxy provider: an OAuth2 provider (its outposts' client) plus what the outposts in front need. */
export interface ProxyProvider extends OAuth2Provider {
  internalHost: string;
  externalHost: string;
  internalHostSslValidation: boolean;
  certificate: string | null;
  skipPathRegex: string;
  basicAuthEnabled: boolean;
  basicAuthUserAttribute: string;
  basicAuthPasswordAttribute: string;
  mode: ProxyMode;
  cookieDomain: string;
  interceptHeaderAuth: boolean;
  /** Names of the outposts that serve it. */
  outpostSet: string[];
}

/** The proxy-only fields a caller may set. */
export type ProxyOnlyFields = Partial<Omit<ProxyProvider, keyof OAuth2Provider | 'outpostSet'>>;

/** What a caller may set: the provider's own fields, the proxy fields, and the mappings chosen. */
export type ProxyProviderFields = ProxyOnlyFields &
  Partial<
    Pick<
      OAuth2Provider,
      | 'name'
      | 'authenticationFlow'
      | 'authorizationFlow'
      | 'invalidationFlow'
      | 'accessTokenValidity'
      | 'refreshTokenValidity'
    >
  > & { propertyMappings?: string[] };

interface Row extends OAuth2ProviderRow {
  internal_host: string;
  external_host: string;
  internal_host_ssl_validation: boolean;
  certificate: string | null;
  skip_path_regex: string;
  basic_auth_enabled: boolean;
  basic_auth_user_attribute: string;
  basic_auth_password_attribute: string;
  mode: ProxyMode;
  cookie_domain: string;
  intercept_header_auth: boolean;
  outpost_set: string[];
}

const PROXY_COLUMNS = {
  internalHost: 'internal_host',
  externalHost: 'external_host',
  internalHostSslValidation: 'internal_host_ssl_validation',
  certificate: 'certificate',
  skipPathRegex: 'skip_path_regex',
  basicAuthEnabled: 'basic_auth_enabled',
  basicAuthUserAttribute: 'basic_auth_user_attribute',
  basicAuthPasswordAttribute: 'basic_auth_password_attribute',
  mode: 'mode',
  cookieDomain: 'cookie_domain',
  interceptHeaderAuth: 'intercept_header_auth',
} as const satisfies Record<keyof ProxyOnlyFields, string>;

const COLUMNS = `${OAUTH2_PROVIDER_SELECT.columns}, ${Object.values(PROXY_COLUMNS)
  .map((c) => `x.${c}`)
  .join(', ')},
  coalesce((SELECT array_agg(op_o.name ORDER BY op_o.name) FROM outpost_providers op
    JOIN outposts op_o ON op_o.uuid = op.outpost_uuid WHERE op.provider_id = p.id), '{}'::text[]) AS outpost_set`;
const FROM = `${OAUTH2_PROVIDER_SELECT.from} JOIN proxy_providers x ON x.provider_id = p.id`;

const LIST_SHAPE: ListShape = {
  orderable: { name: 'p.name', pk: 'p.id', external_host: 'x.external_host', mode: 'x.mode' },
  searchable: ['p.name'],
  defaultOrder: 'p.name ASC, p.id ASC',
};

function toProxyProvider(row: Row): ProxyProvider {
  return {
    ...toOAuth2Provider(row),
    internalHost: row.internal_host,
    externalHost: row.external_host,
    internalHostSslValidation: row.internal_host_ssl_validation,
    certificate: row.certificate,
    skipPathRegex: row.skip_path_regex,
    basicAuthEnabled: row.basic_auth_enabled,
    basicAuthUserAttribute: row.basic_auth_user_attribute,
    basicAuthPasswordAttribute: row.basic_auth_password_attribute,
    mode: row.mode,
    cookieDomain: row.cookie_domain,
    interceptHeaderAuth: row.intercept_header_auth,
    outpostSet: row.outpost_set,
  };
}

const COOKIE_SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A new cookie secret: 32 characters [A-Z0-9] drawn uniformly from the system's CSPRNG (spec §2.1). */
export function newCookieSecret(): string {
  let secret = '';
  for (let i = 0; i < 32; i++) secret += COOKIE_SECRET_ALPHABET[randomInt(COOKIE_SECRET_ALPHABET.length)];
  return secret;
}

/** A proxy provider by pk, or undefined (also for a provider of another kind). */
export async function findProxyProvider(db: Queryable, id: number): Promise<ProxyProvider | undefined> {
  const row = await queryOne<Row>(db, `SELECT ${COLUMNS} ${FROM} WHERE p.id = $1`, [id]);
  return row && toProxyProvider(row);
}

/** The list filters of /providers/proxy/ (the reference's `__iexact` filters compare case-insensitively). */
export interface ProxyProviderFilters {
  applicationIsNull?: boolean;
  /** Exactly this name. */
  name?: string;
  /** Only the providers this outpost serves. */
  outpostUuid?: string;
  iexact?: Partial<Record<keyof typeof IEXACT_COLUMNS, string | boolean>>;
  propertyMappings?: string[];
}

const IEXACT_COLUMNS = {
  name: 'p.name',
  authorization_flow__slug: '(SELECT f.slug FROM flows f WHERE f.uuid = p.authorization_flow)',
  internal_host: 'x.internal_host',
  external_host: 'x.external_host',
  internal_host_ssl_validation: 'x.internal_host_ssl_validation::text',
  certificate__kp_uuid: 'x.certificate::text',
  certificate__name: '(SELECT k.name FROM certificate_keypairs k WHERE k.kp_uuid = x.certificate)',
  skip_path_regex: 'x.skip_path_regex',
  basic_auth_enabled: 'x.basic_auth_enabled::text',
  basic_auth_password_attribute: 'x.basic_auth_password_attribute',
  basic_auth_user_attribute: 'x.basic_auth_user_attribute',
  mode: 'x.mode',
  cookie_domain: 'x.cookie_domain',
} as const;

/** One page of proxy providers. */
export async function listProxyProviders(
  db: Queryable,
  options: ListOptions & { filter?: ProxyProviderFilters },
): Promise<{ providers: ProxyProvider[]; count: number }> {
  const f = options.filter ?? {};
  const conditions = [
    { sql: '(a.pbm_uuid IS NULL) = $?::boolean', value: f.applicationIsNull },
    { sql: 'p.name = $?', value: f.name },
    {
      sql: 'EXISTS (SELECT 1 FROM outpost_providers op WHERE op.provider_id = p.id AND op.outpost_uuid = $?::uuid)',
      value: f.outpostUuid,
    },
    {
      sql: `EXISTS (SELECT 1 FROM provider_property_mappings m WHERE m.provider_id = p.id
        AND m.mapping::text = ANY($?::text[]))`,
      value: f.propertyMappings?.length ? f.propertyMappings.map((u) => u.toLowerCase()) : undefined,
    },
    ...Object.entries(f.iexact ?? {}).map(([field, value]) => ({
      sql: `lower(${IEXACT_COLUMNS[field as keyof typeof IEXACT_COLUMNS]}) = lower($?::text)`,
      value: value === undefined ? undefined : String(value),
    })),
  ];
  const { rows, count } = await queryPage<Row>(
    db,
    LIST_SHAPE,
    { ...options, conditions },
    { columns: COLUMNS, from: FROM },
  );
  return { providers: rows.map(toProxyProvider), count };
}

/** The client secrets and cookie secrets in clear of these proxy providers, for their outposts. */
export async function revealProxySecrets(
  db: Queryable,
  box: SecretBox,
  providerIds: readonly number[],
): Promise<Map<number, { clientSecret: string; cookieSecret: string }>> {
  const rows = await db.query<{ id: number; client_secret_sealed: string; cookie_secret_sealed: string }>(
    `SELECT x.provider_id AS id, o.client_secret_sealed, x.cookie_secret_sealed
     FROM proxy_providers x JOIN oauth2_providers o ON o.provider_id = x.provider_id
     WHERE x.provider_id = ANY($1::int[])`,
    [providerIds],
  );
  return new Map(
    rows.map((row) => [
      row.id,
      { clientSecret: box.open(row.client_secret_sealed), cookieSecret: box.open(row.cookie_secret_sealed) },
    ]),
  );
}

/** The fields of a proxy provider that live on its provider and OAuth2 rows. */
function clientFields(fields: ProxyProviderFields) {
  return {
    name: fields.name,
    authenticationFlow: fields.authenticationFlow,
    authorizationFlow: fields.authorizationFlow,
    invalidationFlow: fields.invalidationFlow,
    accessTokenValidity: fields.accessTokenValidity,
    refreshTokenValidity: fields.refreshTokenValidity,
  };
}

function proxyAssignments(fields: ProxyOnlyFields): Array<[column: string, value: unknown]> {
  return Object.entries(PROXY_COLUMNS).flatMap(([key, column]) => {
    const value = fields[key as keyof ProxyOnlyFields];
    return value === undefined ? [] : [[column, value] as [string, unknown]];
  });
}

/**
 * Creates a proxy provider and its OAuth2 client (client id, client secret and cookie secret made here,
 * once); the client is then kept in step with the provider (see oauth2-client.ts).
 */
export async function insertProxyProvider(
  db: Queryable,
  box: SecretBox,
  fields: ProxyProviderFields & { name: string; externalHost: string },
): Promise<ProxyProvider> {
  const client = await insertOAuth2Provider(db, box, {
    ...clientFields(fields),
    name: fields.name,
    clientType: 'confidential',
    clientId: newClientId(),
    clientSecret: newClientSecret(),
    redirectUris: callbackRedirectUris(fields.externalHost),
  });
  const assignments = proxyAssignments(fields);
  await db.query(
    `INSERT INTO proxy_providers (provider_id, cookie_secret_sealed, ${assignments.map(([c]) => c).join(', ')})
     VALUES ($1, $2, ${assignments.map((_, i) => `$${i + 3}`).join(', ')})`,
    [client.id, box.seal(newCookieSecret()), ...assignments.map(([, v]) => v)],
  );
  await setPropertyMappings(db, client.id, [
    ...DEFAULT_PROXY_SCOPE_MAPPINGS,
    ...(fields.propertyMappings ?? []),
  ]);
  await keepProxyClientInStep(db, client.id);
  return (await findProxyProvider(db, client.id)) as ProxyProvider;
}

/** Applies changes to a proxy provider and puts its client back in step; undefined when it does not exist. */
export async function updateProxyProvider(
  db: Queryable,
  box: SecretBox,
  id: number,
  fields: ProxyProviderFields,
): Promise<ProxyProvider | undefined> {
  if (!(await findProxyProvider(db, id))) return undefined;
  await updateOAuth2Provider(db, box, id, clientFields(fields));
  const assignments = proxyAssignments(fields);
  if (assignments.length) {
    await db.query(
      `UPDATE proxy_providers SET ${assignments.map(([c], i) => `${c} = $${i + 2}`).join(', ')}
       WHERE provider_id = $1`,
      [id, ...assignments.map(([, v]) => v)],
    );
  }
  if (fields.propertyMappings !== undefined) {
    await setPropertyMappings(db, id, [...DEFAULT_PROXY_SCOPE_MAPPINGS, ...fields.propertyMappings]);
  }
  await keepProxyClientInStep(db, id);
  return findProxyProvider(db, id);
}

/** Deletes a proxy provider with its client; false when there is no proxy provider with this pk. */
export async function deleteProxyProvider(db: Queryable, id: number): Promise<boolean> {
  const deleted = await db.query(
    `DELETE FROM providers WHERE id = $1 AND EXISTS (SELECT 1 FROM proxy_providers WHERE provider_id = $1)
     RETURNING id`,
    [id],
  );
  return deleted.length === 1;
}
