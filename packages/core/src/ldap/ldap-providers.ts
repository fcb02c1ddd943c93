import type { Queryable } from '../db/database.ts';
import type { KindProvider, KindTable } from '../providers/kind-repository.ts';

/** An LDAP provider's own settings, named as the contract names them. */
export interface LdapSettings {
  base_dn: string;
  certificate: string | null;
  tls_server_name: string;
  uid_start_number: number;
  gid_start_number: number;
  search_mode: 'direct' | 'cached';
  bind_mode: 'direct' | 'cached';
  mfa_support: boolean;
  search_group: string | null;
}

/** An LDAP provider as the repository reads it. */
export type LdapProvider = KindProvider<LdapSettings>;

/** The `ldap_providers` subtable (migration 0021). */
export const LDAP_TABLE: KindTable<LdapSettings> = {
  table: 'ldap_providers',
  columns: [
    'base_dn',
    'certificate',
    'tls_server_name',
    'uid_start_number',
    'gid_start_number',
    'search_mode',
    'bind_mode',
    'mfa_support',
    'search_group',
  ],
  orderable: { base_dn: 'x.base_dn' },
  iexact: {
    name: 'p.name',
    authorization_flow__slug: '(SELECT f.slug FROM flows f WHERE f.uuid = p.authorization_flow)',
    base_dn: 'x.base_dn',
    certificate__kp_uuid: 'x.certificate::text',
    certificate__name: '(SELECT k.name FROM certificate_keypairs k WHERE k.kp_uuid = x.certificate)',
    tls_server_name: 'x.tls_server_name',
    uid_start_number: 'x.uid_start_number::text',
    gid_start_number: 'x.gid_start_number::text',
  },
};

/**
 * The base DNs that `providerId`, with base DN `baseDn`, would share with another LDAP provider of one of
 * its outposts (compared case-insensitively, as LDAP compares DNs): an outpost picks the provider of a bind
 * or a search by its base DN, so each must be unique there (spec §1.3).
 */
export async function baseDnClashes(
  db: Queryable,
  providerId: number,
  baseDn: string,
): Promise<Array<{ outpost: string; provider: string }>> {
  return db.query<{ outpost: string; provider: string }>(
    `SELECT o.name AS outpost, p.name AS provider
     FROM outpost_providers mine
     JOIN outpost_providers other ON other.outpost_uuid = mine.outpost_uuid AND other.provider_id <> mine.provider_id
     JOIN ldap_providers x ON x.provider_id = other.provider_id
     JOIN providers p ON p.id = other.provider_id
     JOIN outposts o ON o.uuid = mine.outpost_uuid
     WHERE mine.provider_id = $1 AND lower(x.base_dn) = lower($2)
     ORDER BY o.name, p.name`,
    [providerId, baseDn],
  );
}

/** The base DNs used by more than one of the LDAP providers `ids` (one outpost's), lower-cased. */
export async function sharedBaseDns(db: Queryable, ids: readonly number[]): Promise<string[]> {
  const rows = await db.query<{ dn: string }>(
    `SELECT lower(base_dn) AS dn FROM ldap_providers WHERE provider_id = ANY($1::int[])
     GROUP BY lower(base_dn) HAVING count(*) > 1 ORDER BY 1`,
    [ids],
  );
  return rows.map((r) => r.dn);
}
