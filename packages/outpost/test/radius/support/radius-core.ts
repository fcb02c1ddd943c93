/**
 * A real core with what a RADIUS outpost needs: a RADIUS provider and its application, a group the
 * application is bound to, a RADIUS outpost and its token, and the provider as the outpost's configuration
 * would carry it.
 */
import { insertApplication } from '@palisade/core/applications/applications-repository';
import { insertOutpost } from '@palisade/core/outposts/outposts-repository';
import { outpostTokenKey } from '@palisade/core/outposts/service-account';
import { insertBinding } from '@palisade/core/policies/bindings-repository';
import { insertGroup } from '@palisade/core/identity/groups-repository';
import { parseNetworks } from '../../../src/radius/networks.ts';
import type { RadiusProvider } from '../../../src/radius/types.ts';
import type { TestCore } from '../../support/palisade-core.ts';

/** The RADIUS side of a test core. */
export interface RadiusSetup {
  provider: RadiusProvider;
  token: string;
  /** The group whose members the application lets in. */
  groupUuid: string;
}

/**
 * Creates the provider (its row in the real `radius_providers` table, secret sealed with the core's key),
 * its application bound to group `<slug>-users`, and an outpost of type radius serving it.
 */
export async function createRadiusSetup(
  core: TestCore,
  fields: { slug: string; secret: string; networks?: string; mfaSupport?: boolean },
): Promise<RadiusSetup> {
  const { db, box } = core.server.ctx;
  const rows = await db.query<{ id: number }>(
    `INSERT INTO providers (name, authorization_flow, invalidation_flow)
     VALUES ($1, (SELECT uuid FROM flows WHERE slug = 'default-authentication-flow'),
       (SELECT uuid FROM flows WHERE slug = 'default-invalidation-flow'))
     RETURNING id`,
    [`RADIUS ${fields.slug}`],
  );
  const pk = rows[0]?.id as number;
  await db.query(
    `INSERT INTO radius_providers (provider_id, client_networks, shared_secret_sealed, mfa_support)
     VALUES ($1, $2, $3, $4)`,
    [pk, fields.networks ?? '127.0.0.0/8', box.seal(fields.secret), fields.mfaSupport ?? true],
  );
  const application = await insertApplication(db, { name: fields.slug, slug: fields.slug, providerId: pk });
  const group = await insertGroup(db, { name: `${fields.slug}-users` });
  await insertBinding(db, { target: application.uuid, groupUuid: group.uuid, order: 0 });
  const outpost = await insertOutpost(db, {
    name: `radius-${fields.slug}`,
    type: 'radius',
    serviceConnection: null,
    config: {},
    managed: null,
    providers: [pk],
  });
  const token = await outpostTokenKey(db, box, outpost);
  return {
    token,
    groupUuid: group.uuid,
    provider: {
      pk,
      name: `RADIUS ${fields.slug}`,
      appSlug: fields.slug,
      flowSlug: 'default-authentication-flow',
      secret: Buffer.from(fields.secret),
      mfaSupport: fields.mfaSupport ?? true,
      networks: parseNetworks(fields.networks ?? '127.0.0.0/8').networks,
      certificate: null,
      authCacheSeconds: 0,
    },
  };
}
