import { queryOne, type Queryable } from '../db/database.ts';
import { effectiveGroups } from '../policies/engine.ts';

/**
 * Whether a user may search the whole directory of an LDAP provider (`has_search_permission`): Palisade
 * has no object permissions, so the right is the provider's `search_group`. Members of that group, or of a
 * group below it, have it; nobody else does, superusers included, so the right is always granted on purpose
 * (the reference grants it to every superuser, its #11215).
 */
export async function hasSearchPermission(
  db: Queryable,
  providerId: number,
  userId: number,
): Promise<boolean> {
  const row = await queryOne<{ search_group: string | null }>(
    db,
    'SELECT search_group::text AS search_group FROM ldap_providers WHERE provider_id = $1',
    [providerId],
  );
  if (!row?.search_group) return false;
  return (await effectiveGroups(db, userId)).has(row.search_group);
}
