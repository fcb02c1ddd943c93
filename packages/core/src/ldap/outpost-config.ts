import type { Static } from '@sinclair/typebox';
import type { LDAPOutpostConfig } from '@palisade/schema';
import type { Queryable } from '../db/database.ts';
import { flowSlugs } from '../outposts/flow-slugs.ts';
import { listKindProviders } from '../providers/kind-repository.ts';
import { LDAP_TABLE } from './ldap-providers.ts';

/**
 * The LDAP providers bound to an application among `ids` (undefined: all, for a superuser), one page of
 * them, as an LDAP outpost loads them from /outposts/ldap/: every field present, since the reference
 * outpost dereferences them unchecked (reference-outposts-against-palisade.md §2 row 7).
 */
export async function ldapOutpostConfigs(
  db: Queryable,
  ids: readonly number[] | undefined,
  page: { limit: number; offset: number; name?: string },
): Promise<{ results: Array<Static<typeof LDAPOutpostConfig>>; count: number }> {
  const { providers, count } = await listKindProviders(db, LDAP_TABLE, {
    limit: page.limit,
    offset: page.offset,
    filter: { hasApplication: true, ids, name: page.name },
  });
  const slugs = await flowSlugs(
    db,
    providers.flatMap((p) => [p.authorizationFlow, p.invalidationFlow]),
  );
  const results = providers.map((p) => {
    const { search_group: _right, ...settings } = p.settings;
    return {
      pk: p.id,
      name: p.name,
      bind_flow_slug: slugs.get(p.authorizationFlow) ?? '',
      unbind_flow_slug: slugs.get(p.invalidationFlow) ?? null,
      application_slug: p.applicationSlug ?? '',
      ...settings,
    };
  });
  return { results, count };
}
