import type { Queryable } from '../../db/database.ts';
import { queryOne } from '../../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../../db/list-query.ts';
import type { SecretBox } from '../../identity/secret-box.ts';

/** A Kubernetes service connection (controllers.md §1.4); the kubeconfig is stored sealed. */
export interface KubernetesConnection {
  uuid: string;
  name: string;
  local: boolean;
  kubeconfig: Record<string, unknown>;
  verifySsl: boolean;
}

/** Fields of a new connection or of a change to one. */
export type KubernetesConnectionFields = Omit<KubernetesConnection, 'uuid'>;

interface Row {
  uuid: string;
  name: string;
  local: boolean;
  kubeconfig_sealed: string;
  verify_ssl: boolean;
}

const SELECT_FROM = `FROM service_connections c JOIN kubernetes_service_connections k ON k.connection_uuid = c.uuid`;
const COLUMNS = 'c.uuid, c.name, c.local, k.kubeconfig_sealed, k.verify_ssl';

const LIST_SHAPE: ListShape = {
  orderable: { name: 'c.name', local: 'c.local' },
  searchable: ['c.name'],
  defaultOrder: 'c.name ASC, c.uuid ASC',
};

const toConnection = (box: SecretBox, row: Row): KubernetesConnection => ({
  uuid: row.uuid,
  name: row.name,
  local: row.local,
  kubeconfig: JSON.parse(box.open(row.kubeconfig_sealed)) as Record<string, unknown>,
  verifySsl: row.verify_ssl,
});

/** Finds a Kubernetes connection by uuid. */
export async function findKubernetesConnection(
  db: Queryable,
  box: SecretBox,
  uuid: string,
): Promise<KubernetesConnection | undefined> {
  const row = await queryOne<Row>(db, `SELECT ${COLUMNS} ${SELECT_FROM} WHERE c.uuid = $1::uuid`, [uuid]);
  return row && toConnection(box, row);
}

/** Lists Kubernetes connections (filters `name`, `local`), searched, ordered and paged. */
export async function listKubernetesConnections(
  db: Queryable,
  box: SecretBox,
  options: ListOptions & { filter?: { name?: string; local?: boolean } },
): Promise<{ connections: KubernetesConnection[]; count: number }> {
  const { rows, count } = await queryPage<Row>(
    db,
    LIST_SHAPE,
    { ...options, filters: { 'c.name': options.filter?.name, 'c.local': options.filter?.local } },
    { columns: COLUMNS, from: SELECT_FROM },
  );
  return { connections: rows.map((r) => toConnection(box, r)), count };
}

/** Inserts a connection; a duplicate name is a unique violation. */
export async function insertKubernetesConnection(
  db: Queryable,
  box: SecretBox,
  fields: KubernetesConnectionFields,
): Promise<KubernetesConnection> {
  const row = await queryOne<{ uuid: string }>(
    db,
    "INSERT INTO service_connections (name, kind, local) VALUES ($1, 'kubernetes', $2) RETURNING uuid",
    [fields.name, fields.local],
  );
  if (!row) throw new Error('insert returned no row');
  await db.query(
    'INSERT INTO kubernetes_service_connections (connection_uuid, kubeconfig_sealed, verify_ssl) VALUES ($1, $2, $3)',
    [row.uuid, box.seal(JSON.stringify(fields.kubeconfig)), fields.verifySsl],
  );
  return { uuid: row.uuid, ...fields };
}

/** Replaces a connection's fields; its last state is forgotten (it may now point elsewhere). */
export async function updateKubernetesConnection(
  db: Queryable,
  box: SecretBox,
  uuid: string,
  fields: KubernetesConnectionFields,
): Promise<void> {
  await db.query(
    `UPDATE service_connections SET name = $2, local = $3, state_healthy = NULL, state_version = NULL,
       state_checked = NULL WHERE uuid = $1::uuid`,
    [uuid, fields.name, fields.local],
  );
  await db.query(
    'UPDATE kubernetes_service_connections SET kubeconfig_sealed = $2, verify_ssl = $3 WHERE connection_uuid = $1::uuid',
    [uuid, box.seal(JSON.stringify(fields.kubeconfig)), fields.verifySsl],
  );
}

/** Answers whether a local Kubernetes connection exists (discovery creates one only if not). */
export async function hasLocalKubernetesConnection(db: Queryable): Promise<boolean> {
  return (await db.query(`SELECT 1 ${SELECT_FROM} WHERE c.local`)).length > 0;
}

/** Every Kubernetes connection's uuid. */
export async function allKubernetesConnectionUuids(db: Queryable): Promise<string[]> {
  return (await db.query<{ uuid: string }>(`SELECT c.uuid ${SELECT_FROM} ORDER BY c.name`)).map(
    (r) => r.uuid,
  );
}
