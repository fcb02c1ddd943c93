import type { AppContext } from '../../context.ts';
import { isEmbeddedOutpost } from '../../outposts/embedded.ts';
import { storedOutpostConfig, defaultOutpostConfig } from '../../outposts/config.ts';
import { findOutpost, type Outpost } from '../../outposts/outposts-repository.ts';
import { outpostTokenKey } from '../../outposts/service-account.ts';
import { slugify } from '../../outposts/deployment-spec.ts';
import { type DockerClientEnvironment, openDockerClient } from './client.ts';
import { type DockerConnection, findDockerConnection } from './connections-repository.ts';
import { containerSpec, type DockerHealthcheck, proxyExternalHosts } from './container-spec.ts';
import { containerDown, containerUp } from './reconcile.ts';
import { lockKeyOf, withRunLock } from './run-lock.ts';
import type { OpenTaskLog, TaskLog } from './task-log.ts';

/** The task name of controller runs, as the reference's system tasks show it. */
export const CONTROLLER_TASK = 'outpost_controller';

/** The outpost facts a teardown needs once the outpost row may be gone. */
export type OutpostSnapshot = Pick<Outpost, 'uuid' | 'name' | 'serviceConnection'>;

/** What the controller is built from. */
export interface DockerControllerOptions {
  openTaskLog: OpenTaskLog;
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

async function runTask(log: TaskLog, work: () => Promise<void>): Promise<boolean> {
  try {
    await work();
    log.finish('successful');
    return true;
  } catch (error) {
    log.error((error as Error).message);
    log.finish('error');
    return false;
  }
}

/**
 * Deploys an outpost through its Docker connection (controllers.md §4), answering whether the run succeeded;
 * an outpost without a Docker connection, or the embedded outpost, is left alone (true, nothing logged).
 */
export async function dockerOutpostUp(
  ctx: AppContext,
  uuid: string,
  options: DockerControllerOptions,
): Promise<boolean> {
  const outpost = await findOutpost(ctx.db, uuid);
  if (!outpost?.serviceConnection || isEmbeddedOutpost(outpost)) return true;
  const connection = await findDockerConnection(ctx.db, outpost.serviceConnection);
  if (!connection) return true;
  const log = options.openTaskLog(CONTROLLER_TASK, slugify(outpost.name));
  return runTask(log, async () => {
    const config = storedOutpostConfig(outpost.config, defaultOutpostConfig(ctx.config));
    const spec = containerSpec({
      outpost,
      config,
      tokenKey: await outpostTokenKey(ctx.db, ctx.box, outpost),
      version: ctx.version,
      imageBase: ctx.config.outposts.container_image_base,
      externalHosts: outpost.type === 'proxy' ? await proxyExternalHosts(ctx.db, outpost.uuid) : [],
      healthcheck: options.healthcheck,
    });
    await withClient(ctx, connection, options, (docker) => containerUp(docker, outpost.uuid, spec, log));
  });
}

/** Removes an outpost's containers from a Docker connection (the outpost deleted, or moved off it). */
export async function dockerOutpostDown(
  ctx: AppContext,
  outpost: OutpostSnapshot,
  connectionUuid: string,
  options: DockerControllerOptions,
): Promise<boolean> {
  const connection = await findDockerConnection(ctx.db, connectionUuid);
  if (!connection) return true;
  const log = options.openTaskLog(CONTROLLER_TASK, slugify(outpost.name));
  return runTask(log, () =>
    withClient(ctx, connection, options, (docker) => containerDown(docker, outpost.uuid, log)),
  );
}

/**
 * Runs controller work one at a time per outpost: in this process, a run asked for while another is going
 * waits for it, and waiting requests with the same `mergeKey` become one run (which sees every change made
 * before it started); across replicas, the outpost's advisory lock serialises runs.
 */
export function createOutpostQueue(ctx: AppContext) {
  const tails = new Map<string, Promise<unknown>>();
  const waiting = new Map<string, Promise<boolean>>();
  return function enqueue(uuid: string, mergeKey: string, work: () => Promise<boolean>): Promise<boolean> {
    const merged = waiting.get(mergeKey);
    if (merged) return merged;
    const next = (tails.get(uuid) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        waiting.delete(mergeKey);
        return withRunLock(ctx.db, lockKeyOf(uuid), { wait: true }, work);
      })
      .then((ok) => ok ?? false);
    waiting.set(mergeKey, next);
    tails.set(uuid, next);
    void next.finally(() => {
      if (tails.get(uuid) === next) tails.delete(uuid);
    });
    return next;
  };
}
