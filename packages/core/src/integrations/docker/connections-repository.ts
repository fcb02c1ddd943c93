import type { Queryable } from '../../db/database.ts';
import { queryOne } from '../../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../../db/list-query.ts';

/** A Docker service connection as stored. */
export interface DockerConnection {
  uuid: string;
  name: string;
  /** Reach the daemon the core's environment names (DOCKER_HOST, else the default socket); `url` ignored. */
  local: boolean;
  url: string;
  /** The CA keypair that verifies the daemon (https://). */
  tlsVerification: string | null;
  /** The client keypair (https://) or the SSH keypair (ssh://). */
  tlsAuthentication: string | null;
}

/** What the monitor last saw of a connection; undefined when it never ran. */
export interface StoredState {
  healthy: boolean;
  version: string;
  checked: Date;
}

/** Fields a caller may set. */
export type DockerConnectionFields = Omit<DockerConnection, 'uuid'>;

interface Row {
  uuid: string;
  name: string;
  local: boolean;
  url: string;
  tls_verification: string | null;
  tls_authentication: string | null;
}

const COLUMNS = 'c.uuid, c.name, c.local, c.url, c.tls_verification, c.tls_authentication';
const FROM = 'FROM docker_service_connections c';

const LIST_SHAPE: ListShape = {
  orderable: { name: 'c.name', pk: 'c.uuid', url: 'c.url', local: 'c.local' },
  searchable: ['c.name', 'c.url'],
  defaultOrder: 'c.name ASC, c.uuid ASC',
};

function toConnection(row: Row): DockerConnection {
  return {
    uuid: row.uuid,
    name: row.name,
    local: row.local,
    url: row.url,
    tlsVerification: row.tls_verification,
    tlsAuthentication: row.tls_authentication,
  };
}

/** One connection by uuid. */
export async function findDockerConnection(
  db: Queryable,
  uuid: string,
): Promise<DockerConnection | undefined> {
  const row = await queryOne<Row>(db, `SELECT ${COLUMNS} ${FROM} WHERE c.uuid = $1`, [uuid]);
  return row && toConnection(row);
}

/** The list filters of /outposts/service_connections/docker/. */
export interface DockerConnectionFilters {
  name?: string;
  local?: boolean;
  url?: string;
  tlsVerification?: string;
  tlsAuthentication?: string;
}

/** One page of connections. */
export async function listDockerConnections(
  db: Queryable,
  options: ListOptions & { filter?: DockerConnectionFilters },
): Promise<{ connections: DockerConnection[]; count: number }> {
  const f = options.filter ?? {};
  const { rows, count } = await queryPage<Row>(
    db,
    LIST_SHAPE,
    {
      ...options,
      filters: {
        'c.name': f.name,
        'c.local': f.local,
        'c.url': f.url,
        'c.tls_verification': f.tlsVerification,
        'c.tls_authentication': f.tlsAuthentication,
      },
    },
    { columns: COLUMNS, from: FROM },
  );
  return { connections: rows.map(toConnection), count };
}

/** Every connection (the monitor's schedule walks them all). */
export async function allDockerConnections(db: Queryable): Promise<DockerConnection[]> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} ${FROM} ORDER BY c.name`);
  return rows.map(toConnection);
}

/** Stores a new connection. */
export async function insertDockerConnection(
  db: Queryable,
  fields: DockerConnectionFields,
): Promise<DockerConnection> {
  const row = await queryOne<Row>(
    db,
    `INSERT INTO docker_service_connections AS c (name, local, url, tls_verification, tls_authentication)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [fields.name, fields.local, fields.url, fields.tlsVerification, fields.tlsAuthentication],
  );
  return toConnection(row as Row);
}

/** Replaces a connection's fields; its stored state is forgotten, as it may describe another daemon. */
export async function updateDockerConnection(
  db: Queryable,
  uuid: string,
  fields: DockerConnectionFields,
): Promise<DockerConnection | undefined> {
  const row = await queryOne<Row>(
    db,
    `UPDATE docker_service_connections AS c SET name = $2, local = $3, url = $4, tls_verification = $5,
       tls_authentication = $6, state_healthy = NULL, state_version = NULL, state_checked = NULL
     WHERE c.uuid = $1 RETURNING ${COLUMNS}`,
    [uuid, fields.name, fields.local, fields.url, fields.tlsVerification, fields.tlsAuthentication],
  );
  return row && toConnection(row);
}

/** Deletes a connection; its outposts' service_connection becomes NULL (trigger of 0009_docker.sql). */
export async function deleteDockerConnection(db: Queryable, uuid: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM docker_service_connections WHERE uuid = $1 RETURNING uuid', [
    uuid,
  ]);
  return rows.length > 0;
}

/** The monitor's last answer for a connection. */
export async function findDockerState(db: Queryable, uuid: string): Promise<StoredState | undefined> {
  const row = await queryOne<{
    state_healthy: boolean | null;
    state_version: string | null;
    state_checked: Date | string | null;
  }>(
    db,
    'SELECT state_healthy, state_version, state_checked FROM docker_service_connections WHERE uuid = $1',
    [uuid],
  );
  if (!row || row.state_healthy === null || row.state_checked === null) return undefined;
  return {
    healthy: row.state_healthy,
    version: row.state_version ?? '',
    checked: new Date(row.state_checked),
  };
}

/** Records what the monitor saw. */
export async function storeDockerState(
  db: Queryable,
  uuid: string,
  state: { healthy: boolean; version: string },
): Promise<void> {
  await db.query(
    `UPDATE docker_service_connections SET state_healthy = $2, state_version = $3, state_checked = now()
     WHERE uuid = $1`,
    [uuid, state.healthy, state.version],
  );
}

/** Whether any local connection exists (discovery creates one only if not). */
export async function hasLocalDockerConnection(db: Queryable): Promise<boolean> {
  return (await queryOne(db, 'SELECT 1 FROM docker_service_connections WHERE local LIMIT 1')) !== undefined;
}

/** The uuids of the outposts deployed through a connection. */
export async function outpostsOfConnection(db: Queryable, uuid: string): Promise<string[]> {
  const rows = await db.query<{ uuid: string }>(
    'SELECT uuid FROM outposts WHERE service_connection = $1 ORDER BY name',
    [uuid],
  );
  return rows.map((r) => r.uuid);
}
