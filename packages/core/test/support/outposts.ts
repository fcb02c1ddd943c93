import type { Database } from '../../src/db/database.ts';
import type { ProviderKind } from '../../src/outposts/provider-types.ts';
import { PROVIDER_KINDS } from '../../src/outposts/provider-types.ts';

/**
 * A provider of `kind` for outpost tests. Proxy, LDAP, RADIUS and RAC providers are built by other parts;
 * until their repositories are merged, the test gives the kind a bare subtable (provider_id only), which is
 * all the outposts domain reads. Once a kind's real table exists, create its providers through its
 * repository here instead.
 */
export async function insertTestProvider(db: Database, kind: ProviderKind, name: string): Promise<number> {
  const table = PROVIDER_KINDS[kind].table;
  await db.query(
    `CREATE TABLE IF NOT EXISTS ${table} (provider_id integer PRIMARY KEY REFERENCES providers (id) ON DELETE CASCADE)`,
  );
  const rows = await db.query<{ id: number }>(
    `INSERT INTO providers (name, authorization_flow, invalidation_flow)
     VALUES ($1, (SELECT uuid FROM flows WHERE slug = 'default-provider-authorization-implicit-consent'),
       (SELECT uuid FROM flows WHERE slug = 'default-invalidation-flow'))
     RETURNING id`,
    [name],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('provider insert returned no row');
  await db.query(`INSERT INTO ${table} (provider_id) VALUES ($1)`, [id]);
  return id;
}
