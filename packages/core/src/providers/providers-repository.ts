import type { Queryable } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';
import { PROPERTY_MAPPINGS_COLUMN } from './property-mappings-repository.ts';

/** The kinds of provider the core has; each has its own table beside `providers`. */
export type ProviderKind = 'oauth2' | 'proxy';

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

interface Row {
  id: number;
  name: string;
  authentication_flow: string | null;
  authorization_flow: string;
  invalidation_flow: string;
  property_mappings: string[];
  application_slug: string | null;
  application_name: string | null;
  kind: ProviderKind;
}

// The most derived kind wins: a proxy provider is also an OAuth2 provider (its client), as in the reference.
const KIND = `CASE WHEN EXISTS (SELECT 1 FROM proxy_providers x WHERE x.provider_id = p.id) THEN 'proxy'
  ELSE 'oauth2' END`;
const COLUMNS = `p.id, p.name, p.authentication_flow, p.authorization_flow, p.invalidation_flow,
  ${PROPERTY_MAPPINGS_COLUMN} AS property_mappings, a.slug AS application_slug, a.name AS application_name,
  ${KIND} AS kind`;
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
    providers: rows.map((row) => ({
      id: row.id,
      name: row.name,
      authenticationFlow: row.authentication_flow,
      authorizationFlow: row.authorization_flow,
      invalidationFlow: row.invalidation_flow,
      propertyMappings: row.property_mappings,
      applicationSlug: row.application_slug,
      applicationName: row.application_name,
      kind: row.kind,
    })),
    count,
  };
}
