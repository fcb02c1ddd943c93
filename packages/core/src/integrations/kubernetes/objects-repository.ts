import type { Queryable } from '../../db/database.ts';
import type { ObjectRef } from './client.ts';

/** An object the controller applied, as remembered in kubernetes_objects. */
export interface AppliedObject extends ObjectRef {
  connectionUuid: string;
  outpostUuid: string;
  component: string;
  appliedHash: string;
  resourceVersion: string;
}

interface Row {
  connection_uuid: string;
  outpost_uuid: string;
  component: string;
  api_version: string;
  kind: string;
  namespace: string;
  name: string;
  applied_hash: string;
  resource_version: string;
}

const toApplied = (r: Row): AppliedObject => ({
  connectionUuid: r.connection_uuid,
  outpostUuid: r.outpost_uuid,
  component: r.component,
  apiVersion: r.api_version,
  kind: r.kind,
  namespace: r.namespace,
  name: r.name,
  appliedHash: r.applied_hash,
  resourceVersion: r.resource_version,
});

/** Everything applied for an outpost, on any connection. */
export async function appliedObjectsOf(db: Queryable, outpostUuid: string): Promise<AppliedObject[]> {
  const rows = await db.query<Row>(
    'SELECT * FROM kubernetes_objects WHERE outpost_uuid = $1::uuid ORDER BY applied',
    [outpostUuid],
  );
  return rows.map(toApplied);
}

/** Outposts that have applied objects (some may be deleted already: their objects are still to remove). */
export async function outpostsWithAppliedObjects(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ outpost_uuid: string }>(
    'SELECT DISTINCT outpost_uuid FROM kubernetes_objects',
  );
  return rows.map((r) => r.outpost_uuid);
}

/** Remembers (or updates) an applied object. */
export async function rememberApplied(db: Queryable, o: AppliedObject): Promise<void> {
  await db.query(
    `INSERT INTO kubernetes_objects (connection_uuid, outpost_uuid, component, api_version, kind, namespace, name,
       applied_hash, resource_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (connection_uuid, api_version, kind, namespace, name) DO UPDATE SET outpost_uuid = EXCLUDED.outpost_uuid,
       component = EXCLUDED.component, applied_hash = EXCLUDED.applied_hash,
       resource_version = EXCLUDED.resource_version, applied = now()`,
    [
      o.connectionUuid,
      o.outpostUuid,
      o.component,
      o.apiVersion,
      o.kind,
      o.namespace,
      o.name,
      o.appliedHash,
      o.resourceVersion,
    ],
  );
}

/** Forgets an object (it was deleted, or found gone). */
export async function forgetApplied(db: Queryable, connectionUuid: string, ref: ObjectRef): Promise<void> {
  await db.query(
    `DELETE FROM kubernetes_objects WHERE connection_uuid = $1 AND api_version = $2 AND kind = $3
       AND namespace = $4 AND name = $5`,
    [connectionUuid, ref.apiVersion, ref.kind, ref.namespace, ref.name],
  );
}
