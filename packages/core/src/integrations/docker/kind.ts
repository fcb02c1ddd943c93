import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import { queryOne } from '../../db/database.ts';
import { dockerOutpostDown } from './controller.ts';
import {
  deleteDockerConnection,
  findDockerConnection,
  listDockerConnections,
  outpostsOfConnection,
} from './connections-repository.ts';
import { dockerIntegrationOf } from './integration.ts';
import { type ConnectionState, dockerState } from './state.ts';
import { findOutpost } from '../../outposts/outposts-repository.ts';

/** A service connection as /outposts/service_connections/all/ lists any kind. */
export interface ServiceConnectionSummary {
  uuid: string;
  name: string;
  local: boolean;
}

/** Whether a Docker connection with this uuid exists (the outposts API's service_connection check). */
export async function dockerConnectionExists(db: Queryable, uuid: string): Promise<boolean> {
  return (
    (await queryOne(db, 'SELECT 1 FROM docker_service_connections WHERE uuid = $1', [uuid])) !== undefined
  );
}

/**
 * Deletes a Docker connection after removing the containers of the outposts it deploys (the reference
 * leaves them running, orphaned); those outposts' service_connection becomes null (0009_docker.sql).
 * A daemon that cannot be reached does not block the delete: the failure is in the task log.
 */
export async function removeDockerConnection(ctx: AppContext, uuid: string): Promise<boolean> {
  if (!(await findDockerConnection(ctx.db, uuid))) return false;
  const integration = dockerIntegrationOf(ctx);
  for (const outpostUuid of await outpostsOfConnection(ctx.db, uuid)) {
    const outpost = await findOutpost(ctx.db, outpostUuid);
    if (outpost) await dockerOutpostDown(ctx, outpost, uuid, integration.options);
  }
  return deleteDockerConnection(ctx.db, uuid);
}

/**
 * The Docker kind of service connection, as the generic /outposts/service_connections/all/ registry takes
 * it: the names the API shows, and how to list, find, check and delete connections of this kind.
 */
export const dockerConnectionKind = {
  name: 'docker',
  component: 'ak-service-connection-docker-form',
  verboseName: 'Docker Service-Connection',
  verboseNamePlural: 'Docker Service-Connections',
  metaModelName: 'authentik_outposts.dockerserviceconnection',
  /** Every connection of this kind. */
  async list(db: Queryable): Promise<ServiceConnectionSummary[]> {
    const { connections } = await listDockerConnections(db, { limit: 10_000, offset: 0 });
    return connections.map(({ uuid, name, local }) => ({ uuid, name, local }));
  },
  /** One connection, if it is of this kind. */
  async find(db: Queryable, uuid: string): Promise<ServiceConnectionSummary | undefined> {
    const c = await findDockerConnection(db, uuid);
    return c && { uuid: c.uuid, name: c.name, local: c.local };
  },
  /** Its state: the monitor's while fresh, else checked now (on demand); undefined if not of this kind. */
  async state(ctx: AppContext, uuid: string): Promise<ConnectionState | undefined> {
    const connection = await findDockerConnection(ctx.db, uuid);
    if (!connection) return undefined;
    return dockerState(ctx, connection, dockerIntegrationOf(ctx).options.clientEnvironment);
  },
  /** Deletes it (its outposts' containers first); false if not of this kind. */
  remove: removeDockerConnection,
} as const;
