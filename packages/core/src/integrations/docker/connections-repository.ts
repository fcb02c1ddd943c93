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

// The base row (name, local, state) joined with the Docker detail row (0011_docker.sql).
const COLUMNS = 'c.uuid, c.name, c.local, d.url, d.tls_verification, d.tls_authentication';
const FROM = 'FROM service_connections c JOIN docker_service_connections d ON d.connection_uuid = c.uuid';

const LIST_SHAPE: ListShape = {
  orderable: { name: 'c.name', pk: 'c.uuid', url: 'd.url', local: 'c.local' },
  searchable: ['c.name', 'd.url'],
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
  const row = await queryOne<Row>(db, `SELECT ${COLUMNS} ${FROM} WHERE c.uuid = $1::uuid`, [uuid]);
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
        'd.url': f.url,
        'd.tls_verification': f.tlsVerification,
        'd.tls_authentication': f.tlsAuthentication,
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

/** Stores a new connection (base row, then detail row): call it inside a transaction. */
export async function insertDockerConnection(
  db: Queryable,
  fields: DockerConnectionFields,
): Promise<DockerConnection> {
  const row = await queryOne<{ uuid: string }>(
    db,
    "INSERT INTO service_connections (name, kind, local) VALUES ($1, 'docker', $2) RETURNING uuid",
    [fields.name, fields.local],
  );
  if (!row) throw new Error('insert returned no row');
  await db.query(
    `INSERT INTO docker_service_connections (connection_uuid, url, tls_verification, tls_authentication)
     VALUES ($1, $2, $3, $4)`,
    [row.uuid, fields.url, fields.tlsVerification, fields.tlsAuthentication],
  );
  return { uuid: row.uuid, ...fields };
}

/**
 * Replaces a connection's fields (base and detail row: call it inside a transaction); its stored state is
 * forgotten, as it may describe another daemon.
 */
export async function updateDockerConnection(
  db: Queryable,
  uuid: string,
  fields: DockerConnectionFields,
): Promise<DockerConnection | undefined> {
  const updated = await db.query(
    `UPDATE docker_service_connections SET url = $2, tls_verification = $3, tls_authentication = $4
     WHERE connection_uuid = $1::uuid RETURNING connection_uuid`,
    [uuid, fields.url, fields.tlsVerification, fields.tlsAuthentication],
  );
  if (updated.length === 0) return undefined;
  await db.query(
    `UPDATE service_connections SET name = $2, local = $3, state_healthy = NULL, state_version = NULL,
       state_checked = NULL WHERE uuid = $1::uuid`,
    [uuid, fields.name, fields.local],
  );
  return { uuid, ...fields };
}

/** Whether any local Docker connection exists (discovery creates one only if not). */
export async function hasLocalDockerConnection(db: Queryable): Promise<boolean> {
  return (await queryOne(db, `SELECT 1 ${FROM} WHERE c.local LIMIT 1`)) !== undefined;
}

/** The connections an outpost's container was deployed on (docker_deployments). */
export async function deploymentsOf(db: Queryable, outpostUuid: string): Promise<string[]> {
  const rows = await db.query<{ connection_uuid: string }>(
    'SELECT connection_uuid FROM docker_deployments WHERE outpost_uuid = $1::uuid',
    [outpostUuid],
  );
  return rows.map((r) => r.connection_uuid);
}

/** The outposts with a container deployed on a connection. */
export async function outpostsDeployedOn(db: Queryable, connectionUuid: string): Promise<string[]> {
  const rows = await db.query<{ outpost_uuid: string }>(
    'SELECT outpost_uuid FROM docker_deployments WHERE connection_uuid = $1::uuid',
    [connectionUuid],
  );
  return rows.map((r) => r.outpost_uuid);
}

/** Remembers that an outpost's container is deployed on a connection. */
export async function rememberDeployment(db: Queryable, outpostUuid: string, connectionUuid: string) {
  await db.query(
    `INSERT INTO docker_deployments (outpost_uuid, connection_uuid) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
    [outpostUuid, connectionUuid],
  );
}

/** Forgets a deployment once its container is removed. */
export async function forgetDeployment(db: Queryable, outpostUuid: string, connectionUuid: string) {
  await db.query(
    'DELETE FROM docker_deployments WHERE outpost_uuid = $1::uuid AND connection_uuid = $2::uuid',
    [outpostUuid, connectionUuid],
  );
}

/**
 * Outposts the controller looks after: those on a Docker connection (the embedded one never deploys) and
 * those with a container left to remove.
 */
export async function outpostsToReconcile(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ uuid: string }>(
    `SELECT o.uuid FROM outposts o JOIN docker_service_connections d ON d.connection_uuid = o.service_connection
     UNION SELECT outpost_uuid FROM docker_deployments`,
  );
  return rows.map((r) => r.uuid);
}
