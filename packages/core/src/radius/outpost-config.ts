import type { Static } from '@sinclair/typebox';
import type { RadiusOutpostConfig } from '@palisade/schema';
import type { Queryable } from '../db/database.ts';
import type { SecretBox } from '../identity/secret-box.ts';
import { flowSlugs } from '../outposts/flow-slugs.ts';
import { listKindProviders } from '../providers/kind-repository.ts';
import { RADIUS_TABLE, revealRadiusSettings } from './radius-providers.ts';

/**
 * The RADIUS providers bound to an application among `ids` (undefined: all, for a superuser), one page of
 * them, as a RADIUS outpost loads them from /outposts/radius/: every field present, the shared secret in
 * clear (reference-outposts-against-palisade.md §6(c)).
 */
export async function radiusOutpostConfigs(
  db: Queryable,
  box: SecretBox,
  ids: readonly number[] | undefined,
  page: { limit: number; offset: number; name?: string },
): Promise<{ results: Array<Static<typeof RadiusOutpostConfig>>; count: number }> {
  const { providers, count } = await listKindProviders(db, RADIUS_TABLE, {
    limit: page.limit,
    offset: page.offset,
    filter: { hasApplication: true, ids, name: page.name },
  });
  const slugs = await flowSlugs(
    db,
    providers.map((p) => p.authorizationFlow),
  );
  const results = providers.map((p) => ({
    pk: p.id,
    name: p.name,
    application_slug: p.applicationSlug ?? '',
    auth_flow_slug: slugs.get(p.authorizationFlow) ?? '',
    ...revealRadiusSettings(box, p.settings),
  }));
  return { results, count };
}
