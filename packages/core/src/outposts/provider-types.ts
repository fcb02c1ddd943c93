import type { Static } from '@sinclair/typebox';
import type { OutpostType, Provider } from '@palisade/schema';
import type { Queryable } from '../db/database.ts';

/**
 * The one place that knows the kinds of provider. Every provider is a row of `providers` plus a row of one
 * subtable; its kind is the subtable that has it. A subtable that does not exist yet (its provider kind is
 * built by another part) simply matches nothing, so adding a kind is adding a line here.
 */
export const PROVIDER_KINDS = {
  oauth2: {
    table: 'oauth2_providers',
    className: 'OAuth2Provider',
    component: 'ak-provider-oauth2-form',
    verboseName: 'OAuth2/OpenID Provider',
    metaModelName: 'authentik_providers_oauth2.oauth2provider',
    certificateColumn: undefined,
  },
  proxy: {
    table: 'proxy_providers',
    className: 'ProxyProvider',
    component: 'ak-provider-proxy-form',
    verboseName: 'Proxy Provider',
    metaModelName: 'authentik_providers_proxy.proxyprovider',
    certificateColumn: 'certificate',
  },
  ldap: {
    table: 'ldap_providers',
    className: 'LDAPProvider',
    component: 'ak-provider-ldap-form',
    verboseName: 'LDAP Provider',
    metaModelName: 'authentik_providers_ldap.ldapprovider',
    certificateColumn: 'certificate',
  },
  radius: {
    table: 'radius_providers',
    className: 'RadiusProvider',
    component: 'ak-provider-radius-form',
    verboseName: 'Radius Provider',
    metaModelName: 'authentik_providers_radius.radiusprovider',
    certificateColumn: 'certificate',
  },
  rac: {
    table: 'rac_providers',
    className: 'RACProvider',
    component: 'ak-provider-rac-form',
    verboseName: 'RAC Provider',
    metaModelName: 'authentik_providers_rac.racprovider',
    certificateColumn: undefined,
  },
} as const;

/** One of the provider kinds. */
export type ProviderKind = keyof typeof PROVIDER_KINDS;

/** The provider kind each outpost type serves (controllers.md §9): proxy outposts serve proxy providers … */
export const PROVIDER_KIND_OF_OUTPOST: Record<OutpostType, ProviderKind> = {
  proxy: 'proxy',
  ldap: 'ldap',
  radius: 'radius',
  rac: 'rac',
};

/** The provider subtables present in this database (the others belong to parts not merged yet). */
async function presentKinds(db: Queryable): Promise<ProviderKind[]> {
  const kinds = Object.keys(PROVIDER_KINDS) as ProviderKind[];
  const rows = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_name = ANY($1)`,
    [kinds.map((k) => PROVIDER_KINDS[k].table)],
  );
  const present = new Set(rows.map((r) => r.table_name));
  return kinds.filter((k) => present.has(PROVIDER_KINDS[k].table));
}

/** The kind of each of `ids` that exists; ids without a provider row are absent from the map. */
export async function providerTypesOf(
  db: Queryable,
  ids: readonly number[],
): Promise<Map<number, ProviderKind>> {
  const kinds = new Map<number, ProviderKind>();
  if (ids.length === 0) return kinds;
  for (const kind of await presentKinds(db)) {
    const rows = await db.query<{ provider_id: number }>(
      `SELECT provider_id FROM ${PROVIDER_KINDS[kind].table} WHERE provider_id = ANY($1)`,
      [ids],
    );
    for (const row of rows) kinds.set(row.provider_id, kind);
  }
  return kinds;
}

/** Which of `ids` are providers of `kind`. */
export async function providersOfType(
  db: Queryable,
  kind: ProviderKind,
  ids: readonly number[],
): Promise<number[]> {
  const kinds = await providerTypesOf(db, ids);
  return ids.filter((id) => kinds.get(id) === kind);
}

/** The certificate-key pairs (kp_uuid) the providers `ids` use, for the kinds whose table has one. */
export async function certificatesOfProviders(db: Queryable, ids: readonly number[]): Promise<string[]> {
  const found = new Set<string>();
  if (ids.length === 0) return [];
  for (const kind of await presentKinds(db)) {
    const column = PROVIDER_KINDS[kind].certificateColumn;
    if (!column) continue;
    const hasColumn = await db.query(
      `SELECT 1 FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
      [PROVIDER_KINDS[kind].table, column],
    );
    if (hasColumn.length === 0) continue;
    const rows = await db.query<{ kp: string | null }>(
      `SELECT ${column}::text AS kp FROM ${PROVIDER_KINDS[kind].table} WHERE provider_id = ANY($1)`,
      [ids],
    );
    for (const row of rows) if (row.kp) found.add(row.kp);
  }
  return [...found];
}

/** The contract's Provider for each of `ids` that exists, in the order given. */
export async function presentProvidersById(
  db: Queryable,
  ids: readonly number[],
): Promise<Array<Static<typeof Provider>>> {
  if (ids.length === 0) return [];
  const kinds = await providerTypesOf(db, ids);
  const rows = await db.query<{
    id: number;
    name: string;
    authentication_flow: string | null;
    authorization_flow: string;
    invalidation_flow: string;
    application_slug: string | null;
    application_name: string | null;
  }>(
    `SELECT p.id, p.name, p.authentication_flow, p.authorization_flow, p.invalidation_flow,
       a.slug AS application_slug, a.name AS application_name
     FROM providers p LEFT JOIN applications a ON a.provider_id = p.id WHERE p.id = ANY($1)`,
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    const kind = PROVIDER_KINDS[kinds.get(id) ?? 'oauth2'];
    if (!row) return [];
    return [
      {
        pk: row.id,
        name: row.name,
        authentication_flow: row.authentication_flow,
        authorization_flow: row.authorization_flow,
        invalidation_flow: row.invalidation_flow,
        property_mappings: [],
        component: kind.component,
        assigned_application_slug: row.application_slug,
        assigned_application_name: row.application_name,
        assigned_backchannel_application_slug: null,
        assigned_backchannel_application_name: null,
        verbose_name: kind.verboseName,
        verbose_name_plural: `${kind.verboseName}s`,
        meta_model_name: kind.metaModelName,
      },
    ];
  });
}
