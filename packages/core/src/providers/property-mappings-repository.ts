import type { Queryable } from '../db/database.ts';
import { SCOPE_MAPPINGS, type ScopeMapping } from '../oauth2/scope-mappings.ts';

/** The SQL of a provider's mapping uuids as a text[] column, for a SELECT whose provider row is `p`. */
export const PROPERTY_MAPPINGS_COLUMN = `coalesce((SELECT array_agg(m.mapping::text ORDER BY m.mapping)
  FROM provider_property_mappings m WHERE m.provider_id = p.id), '{}'::text[])`;

/** The built-in scope mappings with these uuids, in the server's order; unknown uuids are left out. */
export function scopeMappingsByUuid(uuids: readonly string[]): ScopeMapping[] {
  const wanted = new Set(uuids.map((u) => u.toLowerCase()));
  return SCOPE_MAPPINGS.filter((m) => wanted.has(m.uuid));
}

/** The uuids that name no scope mapping the server knows. */
export function unknownScopeMappings(uuids: readonly string[]): string[] {
  const known = new Set(SCOPE_MAPPINGS.map((m) => m.uuid));
  return uuids.filter((u) => !known.has(u.toLowerCase()));
}

/** Replaces a provider's mappings with exactly `uuids`. */
export async function setPropertyMappings(
  db: Queryable,
  providerId: number,
  uuids: readonly string[],
): Promise<void> {
  await db.query('DELETE FROM provider_property_mappings WHERE provider_id = $1', [providerId]);
  await addPropertyMappings(db, providerId, uuids);
}

/** Adds mappings to a provider, keeping those it has. */
export async function addPropertyMappings(
  db: Queryable,
  providerId: number,
  uuids: readonly string[],
): Promise<void> {
  if (uuids.length === 0) return;
  await db.query(
    `INSERT INTO provider_property_mappings (provider_id, mapping)
     SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
    [providerId, [...new Set(uuids.map((u) => u.toLowerCase()))]],
  );
}
