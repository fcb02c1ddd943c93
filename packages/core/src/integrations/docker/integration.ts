import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../../context.ts';
import { subscribeClusterBus } from '../../outposts/hub/cluster-bus.ts';
import { recordTask } from '../tasks.ts';
import { allDockerConnections, outpostsToReconcile } from './connections-repository.ts';
import { createOutpostQueue, type DockerControllerOptions, reconcileDockerOutpost } from './controller.ts';
import { DISCOVERY_TASK, discoverLocalDocker } from './discovery.ts';
import { withRunLock } from './run-lock.ts';
import { checkDockerState } from './state.ts';

/** How often each scheduled job runs (controllers.md §6.2; the minute is not randomised: locks decide). */
export const SCHEDULE_MS = { controller: 4 * 3600_000, monitor: 15 * 60_000, discovery: 8 * 3600_000 };

// Lock keys of the scheduled sweeps (outposts use their uuid's).
const SWEEP_LOCK = 1;
const MONITOR_LOCK = 2;
const DISCOVERY_LOCK = 3;

/** The Docker integration of one core process: triggers, schedules and the work they start. */
export interface DockerIntegration {
  /** Settings of its runs; tests point them at their own daemons. */
  options: DockerControllerOptions;
  /** Runs the controller for an outpost now, queued behind any run of it in progress; true unless it failed. */
  reconcile(uuid: string): Promise<boolean>;
  /** The scheduled controller run over every outpost it looks after (one replica at a time). */
  sweep(): Promise<void>;
  /** The scheduled state check of every Docker connection (one replica at a time). */
  monitor(): Promise<void>;
  /** Resolves when every run started so far has ended. */
  idle(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const optionsByContext = new WeakMap<AppContext, DockerControllerOptions>();

/**
 * The settings of a context's Docker runs, shared by its integration and by the API's direct calls (a
 * connection's state, the containers removed with a deleted connection); tests point them at their daemons.
 */
export function dockerOptionsOf(ctx: AppContext): DockerControllerOptions {
  let options = optionsByContext.get(ctx);
  if (!options) optionsByContext.set(ctx, (options = {}));
  return options;
}

/**
 * Builds the integration; it does nothing until started. Controller runs are triggered as the Kubernetes
 * controller's are: by the hub's `outposts.update` messages on the cluster bus (every writer of outposts,
 * providers, applications and keypairs sends them, an outpost delete included), plus the schedule.
 */
export function createDockerIntegration(ctx: AppContext, log: FastifyBaseLogger): DockerIntegration {
  const options = dockerOptionsOf(ctx);
  const enqueue = createOutpostQueue();
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => {});
    return promise;
  };
  const stops: Array<() => Promise<void> | void> = [];
  const scheduled = (actorName: string, uid: string, work: Parameters<typeof recordTask>[2]) =>
    recordTask(ctx.db, { actorName, uid, description: 'Scheduled by the Docker integration.' }, work);

  const integration: DockerIntegration = {
    options,
    reconcile: (uuid) => track(enqueue(uuid, uuid, () => reconcileDockerOutpost(ctx, uuid, options))),
    async sweep() {
      await withRunLock(ctx.db, SWEEP_LOCK, { wait: false }, async () => {
        for (const uuid of await outpostsToReconcile(ctx.db)) await integration.reconcile(uuid);
      });
    },
    async monitor() {
      await withRunLock(ctx.db, MONITOR_LOCK, { wait: false }, async () => {
        for (const connection of await allDockerConnections(ctx.db)) {
          await scheduled('outpost_service_connection_monitor', `${connection.uuid}/docker`, async (task) => {
            const state = await checkDockerState(ctx, connection, options.clientEnvironment);
            if (state.error) task.add('warning', `Connection unhealthy: ${state.error}`);
            else task.add('info', `Docker ${state.version} reachable`);
          });
        }
      });
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async start() {
      const run = (job: () => Promise<unknown>) => () => {
        track(job()).catch((error: unknown) => log.error({ err: error }, 'docker integration job failed'));
      };
      stops.push(
        await subscribeClusterBus(ctx.db, {
          onMessage: (message) => {
            if (message.type === 'outposts.update')
              for (const uuid of message.outpost_uuids) run(() => integration.reconcile(uuid))();
          },
          onMalformed: () => {},
          onResubscribed: run(() => integration.sweep()),
        }),
      );
      // Disabled: not even a task row (the check is discoverLocalDocker's too, for direct callers).
      const discover = async () =>
        ctx.config.outposts.discover &&
        withRunLock(ctx.db, DISCOVERY_LOCK, { wait: false }, () =>
          scheduled(DISCOVERY_TASK, 'docker', async (task) => {
            await discoverLocalDocker(ctx, task);
          }),
        );
      run(discover)();
      for (const [job, every] of [
        [() => integration.sweep(), SCHEDULE_MS.controller],
        [() => integration.monitor(), SCHEDULE_MS.monitor],
        [discover, SCHEDULE_MS.discovery],
      ] as const) {
        const timer = setInterval(run(job), every);
        timer.unref();
        stops.push(() => clearInterval(timer));
      }
    },
    async stop() {
      for (const stop of stops.splice(0)) await stop();
      await integration.idle();
    },
  };
  return integration;
}

/** Builds and starts the integration (startIntegrations does, with the Kubernetes one); close it before the database. */
export async function startDockerIntegration(
  ctx: AppContext,
  log: FastifyBaseLogger,
): Promise<DockerIntegration> {
  const integration = createDockerIntegration(ctx, log);
  await integration.start();
  return integration;
}
