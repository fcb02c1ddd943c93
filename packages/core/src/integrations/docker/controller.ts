import type { AppContext } from '../../context.ts';
import { isEmbeddedOutpost } from '../../outposts/embedded.ts';
import { storedOutpostConfig, defaultOutpostConfig } from '../../outposts/config.ts';
import { findOutpost, type Outpost } from '../../outposts/outposts-repository.ts';
import { outpostTokenKey } from '../../outposts/service-account.ts';
import { recordTask, type TaskLog } from '../tasks.ts';
import { type DockerClientEnvironment, openDockerClient } from './client.ts';
import {
  type DockerConnection,
  deploymentsOf,
  findDockerConnection,
  forgetDeployment,
  rememberDeployment,
} from './connections-repository.ts';
import { finishRotation, pendingRotation } from '../token-rotation.ts';
import {
  type ContainerSpec,
  containerSpec,
  type DockerHealthcheck,
  proxyExternalHosts,
  standbySpec,
} from './container-spec.ts';
import { containerDown, containerUp } from './reconcile.ts';
import { lockKeyOf, withRunLock } from './run-lock.ts';

/** The task's actor name (the reference's `outpost_controller`, shared with the Kubernetes controller). */
export const CONTROLLER_ACTOR = 'outpost_controller';

/** The task uid of an outpost's Docker runs (the Kubernetes controller's is `<uuid>/kubernetes`). */
export const dockerTaskUid = (outpostUuid: string) => `${outpostUuid}/docker`;

/** What the controller is built from. */
export interface DockerControllerOptions {
  clientEnvironment?: DockerClientEnvironment;
  /** Health-check timings of the containers made (default: the reference's 5 s interval, 20 retries). */
  healthcheck?: Partial<DockerHealthcheck>;
}

async function withClient<T>(
  ctx: AppContext,
  connection: DockerConnection,
  options: DockerControllerOptions,
  work: (docker: Awaited<ReturnType<typeof openDockerClient>>['docker']) => Promise<T>,
): Promise<T> {
  const client = await openDockerClient(ctx, connection, options.clientEnvironment);
  try {
    return await work(client.docker);
  } finally {
    await client.close();
  }
}

/** The container an outpost should have now (its token, image, ports...): what a run brings Docker to. */
export async function desiredContainer(
  ctx: AppContext,
  outpost: Outpost,
  options: DockerControllerOptions,
): Promise<ContainerSpec> {
  const config = storedOutpostConfig(outpost.config, defaultOutpostConfig(ctx.config));
  return containerSpec({
    outpost,
    config,
    tokenKey: await outpostTokenKey(ctx.db, ctx.box, outpost),
    version: ctx.version,
    imageBase: ctx.config.outposts.container_image_base,
    externalHosts: outpost.type === 'proxy' ? await proxyExternalHosts(ctx.db, outpost.uuid) : [],
    healthcheck: options.healthcheck,
  });
}

async function deploy(
  ctx: AppContext,
  outpost: Outpost,
  connection: DockerConnection,
  options: DockerControllerOptions,
  log: TaskLog,
): Promise<void> {
  const spec = await desiredContainer(ctx, outpost, options);
  // A rotation in progress rolls the container over (a standby beside it) instead of re-creating it.
  const rotating = (await pendingRotation(ctx.db, outpost.uuid)) !== undefined;
  const standby = rotating ? standbySpec(spec, ctx.config.outposts.docker_rollover_port_offset) : undefined;
  // Remembered first: a run that fails half-way still knows to clean this connection up later.
  await rememberDeployment(ctx.db, outpost.uuid, connection.uuid);
  await withClient(ctx, connection, options, (docker) =>
    containerUp(docker, outpost.uuid, spec, log, standby),
  );
  if (rotating) {
    // The container answering now carries the new token and the old one is gone.
    await finishRotation(ctx, outpost.uuid);
    log.add('info', 'Token rotation: the new container is healthy; revoked the previous token.');
  }
}

/** Removes an outpost's containers (found by their uuid label) from one connection, then forgets them. */
async function undeploy(
  ctx: AppContext,
  outpostUuid: string,
  connectionUuid: string,
  options: DockerControllerOptions,
  log: TaskLog,
): Promise<void> {
  const connection = await findDockerConnection(ctx.db, connectionUuid);
  if (connection)
    await withClient(ctx, connection, options, (docker) => containerDown(docker, outpostUuid, log));
  await forgetDeployment(ctx.db, outpostUuid, connectionUuid);
}

/** Runs `work` as the outpost's Docker task, one run at a time across replicas; true unless it failed. */
async function asTask(
  ctx: AppContext,
  outpostUuid: string,
  name: string,
  work: (log: TaskLog) => Promise<void>,
): Promise<boolean> {
  const result = await withRunLock(ctx.db, lockKeyOf(outpostUuid), { wait: true }, () =>
    recordTask(
      ctx.db,
      {
        actorName: CONTROLLER_ACTOR,
        uid: dockerTaskUid(outpostUuid),
        description: `Create/update/monitor/delete the Docker deployment of outpost ${name}.`,
        relObjModel: 'outpost',
        relObjId: outpostUuid,
      },
      work,
    ),
  );
  return result !== undefined && result.status !== 'error';
}

/**
 * The Docker controller's run for one outpost (controllers.md §4): its container on the Docker connection it
 * names is created or repaired, and its containers on any other connection it was deployed on before (moved,
 * or deleted: docker_deployments remembers) are removed. An outpost with nothing to do on Docker (another
 * kind of connection or none, and nothing deployed; the embedded outpost) is left alone: true, no task.
 */
export async function reconcileDockerOutpost(
  ctx: AppContext,
  uuid: string,
  options: DockerControllerOptions,
): Promise<boolean> {
  const found = await findOutpost(ctx.db, uuid);
  const outpost = found && !isEmbeddedOutpost(found) ? found : undefined;
  const connection = outpost?.serviceConnection
    ? await findDockerConnection(ctx.db, outpost.serviceConnection)
    : undefined;
  const stale = (await deploymentsOf(ctx.db, uuid)).filter((c) => c !== connection?.uuid);
  if (!connection && stale.length === 0) return true;
  return asTask(ctx, uuid, found?.name ?? uuid, async (log) => {
    for (const connectionUuid of stale) {
      try {
        await undeploy(ctx, uuid, connectionUuid, options, log);
      } catch (error) {
        log.add(
          'error',
          `Removing the container from connection ${connectionUuid}: ${(error as Error).message}`,
        );
      }
    }
    if (outpost && connection) await deploy(ctx, outpost, connection, options, log);
    else log.add('info', 'Outpost deleted or moved off Docker: removed what was deployed for it.');
  });
}

/** Removes an outpost's containers from a connection about to be deleted (as that outpost's task). */
export async function removeFromConnection(
  ctx: AppContext,
  outpostUuid: string,
  connectionUuid: string,
  options: DockerControllerOptions,
): Promise<boolean> {
  const outpost = await findOutpost(ctx.db, outpostUuid);
  return asTask(ctx, outpostUuid, outpost?.name ?? outpostUuid, (log) =>
    undeploy(ctx, outpostUuid, connectionUuid, options, log),
  );
}

/**
 * Runs controller work one at a time per outpost in this process: a run asked for while another is going
 * waits for it, and waiting requests with the same `mergeKey` become one run (which sees every change made
 * before it started); across replicas, the outpost's advisory lock serialises runs.
 */
export function createOutpostQueue() {
  const tails = new Map<string, Promise<unknown>>();
  const waiting = new Map<string, Promise<boolean>>();
  return function enqueue(uuid: string, mergeKey: string, work: () => Promise<boolean>): Promise<boolean> {
    const merged = waiting.get(mergeKey);
    if (merged) return merged;
    const next = (tails.get(uuid) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        waiting.delete(mergeKey);
        return work();
      });
    waiting.set(mergeKey, next);
    tails.set(uuid, next);
    void next.finally(() => {
      if (tails.get(uuid) === next) tails.delete(uuid);
    });
    return next;
  };
}
