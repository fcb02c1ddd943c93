import { queryOne, type Queryable } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';
import { PROPERTY_MAPPINGS_COLUMN } from './property-mappings-repository.ts';
import type { ProviderKind } from '../outposts/provider-types.ts';

/** What every provider has, whatever its kind (the contract's Provider). */
export interface ProviderSummary {
  id: number;
  name: string;
  authenticationFlow: string | null;
  authorizationFlow: string;
  invalidationFlow: string;
  propertyMappings: string[];
  applicationSlug: string | null;
  applicationName: string | null;
}

/** A provider row as SUMMARY_COLUMNS reads it. */
export interface ProviderSummaryRow {
  id: number;
  name: string;
  authentication_flow: string | null;
  authorization_flow: string;
  invalidation_flow: string;
  property_mappings: string[];
  application_slug: string | null;
  application_name: string | null;
}

interface Row extends ProviderSummaryRow {
  kind: ProviderKind;
}

/** The SQL of a ProviderSummaryRow's columns, for a SELECT whose provider is `p` and application `a`. */
export const SUMMARY_COLUMNS = `p.id, p.name, p.authentication_flow, p.authorization_flow, p.invalidation_flow,
  ${PROPERTY_MAPPINGS_COLUMN} AS property_mappings, a.slug AS application_slug, a.name AS application_name`;

/** Turns a ProviderSummaryRow into the summary. */
export function toProviderSummary(row: ProviderSummaryRow): ProviderSummary {
  return {
    id: row.id,
    name: row.name,
    authenticationFlow: row.authentication_flow,
    authorizationFlow: row.authorization_flow,
    invalidationFlow: row.invalidation_flow,
    propertyMappings: row.property_mappings,
    applicationSlug: row.application_slug,
    applicationName: row.application_name,
  };
}

/** The `providers` columns of the fields every provider has. */
export const PROVIDER_COLUMNS = {
  name: 'name',
  authenticationFlow: 'authentication_flow',
  authorizationFlow: 'authorization_flow',
  invalidationFlow: 'invalidation_flow',
} as const;

/**
 * Inserts the `providers` row of a new provider of any kind and answers its id; flows not given default to
 * the implicit-consent and default invalidation flows.
 */
export async function insertProviderRow(
  db: Queryable,
  fields: {
    name: string;
    authenticationFlow?: string | null;
    authorizationFlow?: string;
    invalidationFlow?: string;
  },
): Promise<number> {
  const created = await queryOne<{ id: number }>(
    db,
    `INSERT INTO providers (name, authentication_flow, authorization_flow, invalidation_flow)
     VALUES ($1, $2,
       coalesce($3, (SELECT uuid FROM flows WHERE slug = 'default-provider-authorization-implicit-consent')),
       coalesce($4, (SELECT uuid FROM flows WHERE slug = 'default-invalidation-flow')))
     RETURNING id`,
    [
      fields.name,
      fields.authenticationFlow ?? null,
      fields.authorizationFlow ?? null,
      fields.invalidationFlow ?? null,
    ],
  );
  if (!created) throw new Error('insert returned no row');
  return created.id;
}

// The most derived kind wins: a proxy provider is also an OAuth2 provider (its client), as in the reference.
const KIND = `CASE WHEN EXISTS (SELECT 1 FROM proxy_providers x WHERE x.provider_id = p.id) THEN 'proxy'
  WHEN EXISTS (SELECT 1 FROM ldap_providers x WHERE x.provider_id = p.id) THEN 'ldap'
  WHEN EXISTS (SELECT 1 FROM radius_providers x WHERE x.provider_id = p.id) THEN 'radius'
  WHEN EXISTS (SELECT 1 FROM rac_providers x WHERE x.provider_id = p.id) THEN 'rac'
  ELSE 'oauth2' END`;
const COLUMNS = `${SUMMARY_COLUMNS}, ${KIND} AS kind`;
const FROM = 'FROM providers p LEFT JOIN applications a ON a.provider_id = p.id';

const LIST_SHAPE: ListShape = {
  orderable: { name: 'p.name', pk: 'p.id' },
  searchable: ['p.name', 'a.slug'],
  defaultOrder: 'p.name ASC, p.id ASC',
};

/** Every provider of any kind, one page of them, with its kind. */
export async function listProviders(
  db: Queryable,
  options: ListOptions & { filter?: { applicationIsNull?: boolean } },
): Promise<{ providers: Array<ProviderSummary & { kind: ProviderKind }>; count: number }> {
  const isNull = options.filter?.applicationIsNull;
  const conditions = [{ sql: '(a.pbm_uuid IS NULL) = $?::boolean', value: isNull }];
  const { rows, count } = await queryPage<Row>(
    db,
    LIST_SHAPE,
    { ...options, conditions },
    { columns: COLUMNS, from: FROM },
  );
  return {
    providers: rows.map((row) => ({ ...toProviderSummary(row), kind: row.kind })),
    count,
  };
}

/** A provider as an application shows it: the summary, its kind, and what its launch URL is made from. */
export interface ApplicationProvider extends ProviderSummary {
  kind: ProviderKind;
  /** A proxy provider's external_host. */
  externalHost: string | null;
  /** An OAuth2 provider's redirect URIs (a proxy provider's too: it is an OAuth2 client). */
  redirectUris: Array<{ matching_mode: string; url: string }>;
}

/** The providers of `ids`, by id, in one query (an application list's providers). */
export async function findProvidersByIds(
  db: Queryable,
  ids: number[],
): Promise<Map<number, ApplicationProvider>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<
    Row & {
      external_host: string | null;
      redirect_uris: Array<{ matching_mode: string; url: string }> | null;
    }
  >(
    `SELECT ${COLUMNS},
       (SELECT x.external_host FROM proxy_providers x WHERE x.provider_id = p.id) AS external_host,
       (SELECT o.redirect_uris FROM oauth2_providers o WHERE o.provider_id = p.id) AS redirect_uris
     ${FROM} WHERE p.id = ANY($1::int[])`,
    [ids],
  );
  return new Map(
    rows.map((row) => [
      row.id,
      {
        ...toProviderSummary(row),
        kind: row.kind,
        externalHost: row.external_host,
        redirectUris: row.redirect_uris ?? [],
      },
    ]),
  );
}
