import type { Static } from '@sinclair/typebox';
import type { OutpostHealth } from '@palisade/schema';
import type { Queryable } from '../db/database.ts';

/** An instance that has not said HELLO for this long is gone (1.5 × the 10 s HELLO interval). */
export const INSTANCE_TTL_SECONDS = 15;

/** The running core's identity an instance is compared against. */
export interface CoreBuild {
  version: string;
  /** Empty on release builds, as the reference's. */
  buildHash: string;
}

interface InstanceRow {
  uid: string;
  last_seen: Date | string;
  version: string;
  build_hash: string;
  golang_version: string;
  openssl_enabled: boolean;
  openssl_version: string;
  hostname: string;
}

/**
 * controllers.md §7.2: not outdated without a version, nor when the instance runs another build than the
 * core (development builds); otherwise outdated when its version differs from the core's.
 */
export function isVersionOutdated(
  instance: { version: string; buildHash: string },
  core: CoreBuild,
): boolean {
  if (!instance.version) return false;
  if (instance.buildHash !== core.buildHash) return false;
  return instance.version !== core.version;
}

/** The live instances of an outpost, in the contract's OutpostHealth shape, newest first. */
export async function listOutpostHealth(
  db: Queryable,
  outpostUuid: string,
  core: CoreBuild,
): Promise<Array<Static<typeof OutpostHealth>>> {
  const rows = await db.query<InstanceRow>(
    `SELECT uid, last_seen, version, build_hash, golang_version, openssl_enabled, openssl_version, hostname
     FROM outpost_instances
     WHERE outpost_uuid = $1::uuid AND last_seen > now() - make_interval(secs => $2)
     ORDER BY last_seen DESC, uid`,
    [outpostUuid, INSTANCE_TTL_SECONDS],
  );
  return rows.map((row) => ({
    uid: row.uid,
    last_seen: new Date(row.last_seen).toISOString(),
    version: row.version,
    version_should: core.version,
    version_outdated: isVersionOutdated({ version: row.version, buildHash: row.build_hash }, core),
    build_hash: row.build_hash,
    build_hash_should: core.buildHash,
    golang_version: row.golang_version,
    openssl_enabled: row.openssl_enabled,
    openssl_version: row.openssl_version,
    // Reported only with a valid enterprise license in the reference; Palisade has none.
    fips_enabled: null,
    hostname: row.hostname,
  }));
}
