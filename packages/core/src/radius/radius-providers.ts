import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import type { SecretBox } from '../identity/secret-box.ts';
import type { KindProvider, KindTable } from '../providers/kind-repository.ts';

/** A RADIUS provider's own settings, named as the contract names them (the secret sealed). */
export interface RadiusSettings {
  client_networks: string;
  shared_secret_sealed: string;
  mfa_support: boolean;
  certificate: string | null;
  /** Seconds an outpost may answer a repeated PAP request from a cached Accept; 0 is off (migration 0030). */
  auth_cache_seconds: number;
}

/** A RADIUS provider as the repository reads it. */
export type RadiusProvider = KindProvider<RadiusSettings>;

/** The `radius_providers` subtable (migration 0022). */
export const RADIUS_TABLE: KindTable<RadiusSettings> = {
  table: 'radius_providers',
  columns: ['client_networks', 'shared_secret_sealed', 'mfa_support', 'certificate', 'auth_cache_seconds'],
  iexact: {
    name: 'p.name',
    authorization_flow__slug: '(SELECT f.slug FROM flows f WHERE f.uuid = p.authorization_flow)',
    client_networks: 'x.client_networks',
  },
};

/** A shared secret Palisade makes when the admin gives none: 32 random bytes, base64url. */
export const newSharedSecret = (): string => randomBytes(32).toString('base64url');

/** A RADIUS provider's settings as the API and the outposts show them: the shared secret in clear. */
export function revealRadiusSettings(box: SecretBox, settings: RadiusSettings) {
  return {
    client_networks: settings.client_networks,
    shared_secret: box.open(settings.shared_secret_sealed),
    mfa_support: settings.mfa_support,
    certificate: settings.certificate,
    auth_cache_seconds: settings.auth_cache_seconds,
  };
}

/** The shared secret of a RADIUS provider, sealed, or undefined when there is no such provider. */
export async function sealedSharedSecret(db: Queryable, providerId: number): Promise<string | undefined> {
  const rows = await db.query<{ sealed: string }>(
    'SELECT shared_secret_sealed AS sealed FROM radius_providers WHERE provider_id = $1',
    [providerId],
  );
  return rows[0]?.sealed;
}
