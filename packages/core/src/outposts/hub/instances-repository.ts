import type { Queryable } from '../../db/database.ts';

/** Outposts say HELLO every 10 s (controllers spec §1.5). */
export const OUTPOST_HELLO_INTERVAL_SECONDS = 10;
/** An instance silent for longer than 1.5 HELLO intervals is stale: no longer listed as live. */
export const OUTPOST_INSTANCE_TTL_SECONDS = 1.5 * OUTPOST_HELLO_INTERVAL_SECONDS;

/** A live instance of an outpost, as its last messages described it (the reference's OutpostState). */
export interface OutpostInstance {
  outpostUuid: string;
  uid: string;
  lastSeen: Date;
  version: string;
  buildHash: string;
  golangVersion: string;
  opensslEnabled: boolean;
  opensslVersion: string;
  fipsEnabled: boolean | null;
  hostname: string;
  args: Record<string, unknown>;
}

/** What a HELLO reports about the instance; every field is replaced by what the latest HELLO said. */
export interface InstanceHello {
  version: string;
  buildHash: string;
  golangVersion: string;
  opensslEnabled: boolean;
  opensslVersion: string;
  fipsEnabled: boolean | null;
  /** Leftover HELLO args, merged into what earlier HELLOs left. */
  args: Record<string, unknown>;
}

interface InstanceRow {
  outpost_uuid: string;
  uid: string;
  last_seen: Date;
  version: string;
  build_hash: string;
  golang_version: string;
  openssl_enabled: boolean;
  openssl_version: string;
  fips_enabled: boolean | null;
  hostname: string;
  args: Record<string, unknown>;
}

/**
 * Records that an instance spoke at `seenAt`: its hostname when the message carried one (kept otherwise, so
 * a message without it does not blank it), and for a HELLO everything the HELLO reports.
 */
export async function recordInstanceSeen(
  db: Queryable,
  input: { outpostUuid: string; uid: string; seenAt: Date; hostname?: string; hello?: InstanceHello },
): Promise<void> {
  const h = input.hello;
  await db.query(
    `INSERT INTO outpost_instances AS i (outpost_uuid, uid, last_seen, hostname, version, build_hash,
       golang_version, openssl_enabled, openssl_version, fips_enabled, args)
     VALUES ($1, $2, $3, coalesce($4, ''), coalesce($5, ''), coalesce($6, ''), coalesce($7, ''),
       coalesce($8, false), coalesce($9, ''), $10, coalesce($11::jsonb, '{}'::jsonb))
     ON CONFLICT (outpost_uuid, uid) DO UPDATE SET
       last_seen = EXCLUDED.last_seen,
       hostname = coalesce($4, i.hostname),
       version = CASE WHEN $12 THEN EXCLUDED.version ELSE i.version END,
       build_hash = CASE WHEN $12 THEN EXCLUDED.build_hash ELSE i.build_hash END,
       golang_version = CASE WHEN $12 THEN EXCLUDED.golang_version ELSE i.golang_version END,
       openssl_enabled = CASE WHEN $12 THEN EXCLUDED.openssl_enabled ELSE i.openssl_enabled END,
       openssl_version = CASE WHEN $12 THEN EXCLUDED.openssl_version ELSE i.openssl_version END,
       fips_enabled = CASE WHEN $12 THEN EXCLUDED.fips_enabled ELSE i.fips_enabled END,
       args = CASE WHEN $12 THEN i.args || EXCLUDED.args ELSE i.args END`,
    [
      input.outpostUuid,
      input.uid,
      input.seenAt,
      input.hostname ?? null,
      h?.version ?? null,
      h?.buildHash ?? null,
      h?.golangVersion ?? null,
      h?.opensslEnabled ?? null,
      h?.opensslVersion ?? null,
      h?.fipsEnabled ?? null,
      h ? JSON.stringify(h.args) : null,
      h !== undefined,
    ],
  );
}

/** The instances of an outpost seen within the TTL before `now`, by uid: what /health/ lists. */
export async function listLiveInstances(
  db: Queryable,
  outpostUuid: string,
  now: Date = new Date(),
): Promise<OutpostInstance[]> {
  const rows = await db.query<InstanceRow>(
    `SELECT outpost_uuid, uid, last_seen, version, build_hash, golang_version, openssl_enabled,
       openssl_version, fips_enabled, hostname, args
     FROM outpost_instances
     WHERE outpost_uuid = $1 AND last_seen > $2::timestamptz - make_interval(secs => $3)
     ORDER BY uid`,
    [outpostUuid, now, OUTPOST_INSTANCE_TTL_SECONDS],
  );
  return rows.map((r) => ({
    outpostUuid: r.outpost_uuid,
    uid: r.uid,
    lastSeen: new Date(r.last_seen),
    version: r.version,
    buildHash: r.build_hash,
    golangVersion: r.golang_version,
    opensslEnabled: r.openssl_enabled,
    opensslVersion: r.openssl_version,
    fipsEnabled: r.fips_enabled,
    hostname: r.hostname,
    args: r.args,
  }));
}

/** Deletes instances silent for `seconds` (restarted outposts come back under a new uid), answering how many. */
export async function pruneSilentInstances(db: Queryable, seconds: number): Promise<number> {
  const rows = await db.query(
    'DELETE FROM outpost_instances WHERE last_seen < now() - make_interval(secs => $1) RETURNING uid',
    [seconds],
  );
  return rows.length;
}
