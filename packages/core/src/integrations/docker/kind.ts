import type { AppContext } from '../../context.ts';
import { notifyOutposts } from '../../outposts/hub/changes.ts';
import type { ServiceConnectionKind } from '../service-connections.ts';
import { deleteServiceConnection, outpostsOfConnection } from '../service-connections-repository.ts';
import { removeFromConnection } from './controller.ts';
import { findDockerConnection, outpostsDeployedOn } from './connections-repository.ts';
import { dockerOptionsOf } from './integration.ts';
import { dockerState } from './state.ts';

/**
 * Removes the containers deployed through a Docker connection about to be deleted (the reference leaves
 * them running, orphaned). A daemon that cannot be reached does not block the delete: the failure is in
 * each outpost's task log.
 */
async function removeDeployedContainers(ctx: AppContext, uuid: string): Promise<void> {
  const options = dockerOptionsOf(ctx);
  const outposts = new Set([
    ...(await outpostsDeployedOn(ctx.db, uuid)),
    ...(await outpostsOfConnection(ctx.db, uuid)).map((o) => o.uuid),
  ]);
  for (const outpostUuid of outposts) await removeFromConnection(ctx, outpostUuid, uuid, options);
}

/**
 * Deletes a Docker connection after removing its containers; its outposts' service_connection becomes NULL
 * (the foreign key of 0010_kubernetes.sql) and they hear of it. False when no such Docker connection exists.
 */
export async function removeDockerConnection(ctx: AppContext, uuid: string): Promise<boolean> {
  if (!(await findDockerConnection(ctx.db, uuid))) return false;
  const outposts = await outpostsOfConnection(ctx.db, uuid);
  await removeDeployedContainers(ctx, uuid);
  const deleted = await deleteServiceConnection(ctx.db, uuid);
  if (outposts.length)
    await notifyOutposts(
      ctx.db,
      outposts.map((o) => o.uuid),
    );
  return deleted;
}

/** The Docker kind of service connection, as SERVICE_CONNECTION_KINDS registers it. */
export const DOCKER_CONNECTION_KIND: ServiceConnectionKind = {
  verboseName: 'Docker Service-Connection',
  verboseNamePlural: 'Docker Service-Connections',
  component: 'ak-service-connection-docker-form',
  modelName: 'dockerserviceconnection',
  description: 'Service Connection to a Docker endpoint',
  /** The monitor's state while fresh, else checked now (on demand). */
  async state(ctx, uuid) {
    const connection = await findDockerConnection(ctx.db, uuid);
    if (!connection) return undefined;
    return dockerState(ctx, connection, dockerOptionsOf(ctx).clientEnvironment);
  },
  beforeDelete: removeDeployedContainers,
};
