import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { subscribeClusterBus } from '../../outposts/hub/cluster-bus.ts';
import { findOutpost } from '../../outposts/outposts-repository.ts';
import { allDockerConnections } from './connections-repository.ts';
import {
  createOutpostQueue,
  type DockerControllerOptions,
  dockerOutpostDown,
  dockerOutpostUp,
  type OutpostSnapshot,
} from './controller.ts';
import { DISCOVERY_TASK, discoverLocalDocker } from './discovery.ts';
import { withRunLock } from './run-lock.ts';
import { checkDockerState } from './state.ts';
import { openLoggingTaskLog } from './task-log.ts';

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
  /** Deploys (or repairs) an outpost now, queued behind any run of it in progress. */
  up(uuid: string): Promise<boolean>;
  /** Removes an outpost's containers from a connection. */
  down(outpost: OutpostSnapshot, connectionUuid: string): Promise<boolean>;
  /** The scheduled controller run over every outpost with a Docker connection (one replica at a time). */
  sweep(): Promise<void>;
  /** The scheduled state check of every Docker connection (one replica at a time). */
  monitor(): Promise<void>;
  /** Resolves when every run started so far has ended. */
  idle(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const integrations = new WeakMap<AppContext, DockerIntegration>();

/** The Docker integration running on a context (installed by installDockerIntegration). */
export function dockerIntegrationOf(ctx: AppContext): DockerIntegration {
  const integration = integrations.get(ctx);
  if (!integration) throw new Error('the Docker integration is not installed on this context');
  return integration;
}

/** Builds the integration; it does nothing until started. */
export function createDockerIntegration(ctx: AppContext, log: FastifyBaseLogger): DockerIntegration {
  const options: DockerControllerOptions = { openTaskLog: openLoggingTaskLog(log) };
  const enqueue = createOutpostQueue(ctx);
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => {});
    return promise;
  };
  const stops: Array<() => Promise<void> | void> = [];

  const integration: DockerIntegration = {
    options,
    up: (uuid) => track(enqueue(uuid, `up:${uuid}`, () => dockerOutpostUp(ctx, uuid, options))),
    down: (outpost, connectionUuid) =>
      track(
        enqueue(outpost.uuid, `down:${outpost.uuid}:${connectionUuid}`, () =>
          dockerOutpostDown(ctx, outpost, connectionUuid, options),
        ),
      ),
    async sweep() {
      await withRunLock(ctx.db, SWEEP_LOCK, { wait: false }, async () => {
        const rows = await ctx.db.query<{ uuid: string }>(
          `SELECT o.uuid FROM outposts o JOIN docker_service_connections c ON c.uuid = o.service_connection
           ORDER BY o.name`,
        );
        for (const row of rows) await integration.up(row.uuid);
      });
    },
    async monitor() {
      await withRunLock(ctx.db, MONITOR_LOCK, { wait: false }, async () => {
        for (const connection of await allDockerConnections(ctx.db)) {
          const task = options.openTaskLog('outpost_service_connection_monitor', connection.name);
          const state = await checkDockerState(ctx, connection, options.clientEnvironment);
          if (state.error) task.warn(`Connection unhealthy: ${state.error}`);
          else task.info(`Docker ${state.version} reachable`);
          task.finish(state.healthy ? 'successful' : 'warning');
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
        ctx.events.on('outpost.saved', ({ uuid, previousServiceConnection }) => {
          run(async () => {
            // Moved to another connection (or off all): its container on the old one goes first.
            const now = await findOutpost(ctx.db, uuid);
            if (now && previousServiceConnection && previousServiceConnection !== now.serviceConnection)
              await integration.down(now, previousServiceConnection);
            return integration.up(uuid);
          })();
        }),
        ctx.events.on('outpost.deleted', (outpost) => {
          if (outpost.serviceConnection)
            run(() => integration.down(outpost, outpost.serviceConnection as string))();
        }),
      );
      // Changes to what an outpost serves (providers, applications, certificates) reach every replica here.
      stops.push(
        await subscribeClusterBus(ctx.db, {
          onMessage: (message) => {
            if (message.type === 'outposts.update')
              for (const uuid of message.outpost_uuids) run(() => integration.up(uuid))();
          },
          onMalformed: () => {},
          onResubscribed: run(() => integration.sweep()),
        }),
      );
      const discover = () =>
        withRunLock(ctx.db, DISCOVERY_LOCK, { wait: false }, () =>
          discoverLocalDocker(ctx, options.openTaskLog(DISCOVERY_TASK, 'docker')),
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
    async close() {
      for (const stop of stops.splice(0)) await stop();
      await integration.idle();
    },
  };
  integrations.set(ctx, integration);
  return integration;
}

/** Starts the integration with the app (ready) and stops it before the database closes (preClose). */
export function installDockerIntegration(app: FastifyInstance, ctx: AppContext): DockerIntegration {
  const integration = createDockerIntegration(ctx, app.log);
  app.addHook('onReady', async () => integration.start());
  app.addHook('preClose', async () => integration.close());
  return integration;
}
