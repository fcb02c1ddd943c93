import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';

/** What the generic service-connection list knows of any kind (the base row). */
export interface ServiceConnectionRow {
  uuid: string;
  name: string;
  kind: string;
  local: boolean;
}

/** A connection's last checked state (the contract's ServiceConnectionState). */
export interface ConnectionState {
  healthy: boolean;
  version: string;
}

const LIST_SHAPE: ListShape = {
  orderable: { name: 'name', local: 'local' },
  searchable: ['name'],
  defaultOrder: 'name ASC, uuid ASC',
};

/** Lists connections of every kind in `kinds` (filter `name`), searched, ordered and paged. */
export async function listServiceConnections(
  db: Queryable,
  kinds: string[],
  options: ListOptions & { name?: string },
): Promise<{ rows: ServiceConnectionRow[]; count: number }> {
  return queryPage<ServiceConnectionRow>(
    db,
    LIST_SHAPE,
    { ...options, filters: { name: options.name, kind: kinds } },
    { columns: 'uuid, name, kind, local', from: 'FROM service_connections' },
  );
}

/** Finds a connection of any kind. */
export async function findServiceConnection(
  db: Queryable,
  uuid: string,
): Promise<ServiceConnectionRow | undefined> {
  return queryOne<ServiceConnectionRow>(
    db,
    'SELECT uuid, name, kind, local FROM service_connections WHERE uuid = $1::uuid',
    [uuid],
  );
}

/** Deletes a connection (its kind's row cascades; outposts using it fall back to NULL). */
export async function deleteServiceConnection(db: Queryable, uuid: string): Promise<boolean> {
  return (
    (await db.query('DELETE FROM service_connections WHERE uuid = $1::uuid RETURNING uuid', [uuid])).length >
    0
  );
}

/** Stores a connection's state after a check. */
export async function storeConnectionState(
  db: Queryable,
  uuid: string,
  state: ConnectionState,
): Promise<void> {
  await db.query(
    `UPDATE service_connections SET state_healthy = $2, state_version = $3, state_checked = now()
     WHERE uuid = $1::uuid`,
    [uuid, state.healthy, state.version],
  );
}

/** The last state check of a connection ; undefined when none ran. */
export async function findStoredConnectionState(
  db: Queryable,
  uuid: string,
): Promise<{ healthy: boolean; version: string; checked: Date } | undefined> {
  const row = await queryOne<{
    state_healthy: boolean | null;
    state_version: string | null;
    state_checked: Date | string | null;
  }>(
    db,
    'SELECT state_healthy, state_version, state_checked FROM service_connections WHERE uuid = $1::uuid',
    [uuid],
  );
  if (!row || row.state_healthy === null || row.state_checked === null) return undefined;
  return {
    healthy: row.state_healthy,
    version: row.state_version ?? '',
    checked: new Date(row.state_checked),
  };
}

/** The names of the outposts that use a connection (for used_by and for reconciles after a change). */
export async function outpostsOfConnection(
  db: Queryable,
  uuid: string,
): Promise<Array<{ uuid: string; name: string }>> {
  return db.query('SELECT uuid, name FROM outposts WHERE service_connection = $1::uuid ORDER BY name', [
    uuid,
  ]);
}
