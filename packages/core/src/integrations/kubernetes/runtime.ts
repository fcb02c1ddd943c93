import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../../context.ts';
import { subscribeClusterBus } from '../../outposts/hub/cluster-bus.ts';
import { recordTask } from '../tasks.ts';
import { kubernetesConnectionState } from './connection-state.ts';
import {
  allKubernetesConnectionUuids,
  hasLocalKubernetesConnection,
  insertKubernetesConnection,
} from './connections-repository.ts';
import { reconcileOutpost } from './controller.ts';
import { isInCluster } from './kubeconfig.ts';
import { outpostsWithAppliedObjects } from './objects-repository.ts';
import { kubernetesOptions } from './options.ts';
import { pendingRotations } from '../token-rotation.ts';

/**
 * What keeps the Kubernetes integration going (controllers.md §3.6, §6): the in-cluster connection made at
 * start, a controller run for every outpost a change concerns (the hub's `outposts.update` messages on the
 * cluster bus, which every writer of outposts, providers, applications, flows and keypairs already sends),
 * and a schedule: every outpost again, every connection's state. Scheduled work is claimed through its
 * system-task row, so one replica runs it.
 */

/** Intervals of the schedule. */
export interface KubernetesSchedule {
  /** Every outpost's controller run (the reference: every 4 hours). */
  controllerIntervalMs: number;
  /** Every connection's state check (the reference: every 15 minutes). */
  stateIntervalMs: number;
  /** How often a rotation waiting for pods is looked at again. */
  rotationPollMs: number;
}

const DEFAULT_SCHEDULE: KubernetesSchedule = {
  controllerIntervalMs: 4 * 3600_000,
  stateIntervalMs: 15 * 60_000,
  rotationPollMs: 10_000,
};

/** Creates the "Local Kubernetes Cluster" connection when the core runs in a cluster and none exists (§3.6). */
export async function discoverLocalCluster(ctx: AppContext, log: FastifyBaseLogger): Promise<boolean> {
  if (!isInCluster(kubernetesOptions(ctx).inCluster)) return false;
  return ctx.db.transaction(async (tx) => {
    if (await hasLocalKubernetesConnection(tx)) return false;
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['palisade kubernetes discovery']);
    if (await hasLocalKubernetesConnection(tx)) return false;
    await insertKubernetesConnection(tx, ctx.box, {
      name: 'Local Kubernetes Cluster',
      local: true,
      kubeconfig: {},
      verifySsl: true,
    });
    log.info('Detected in-cluster Kubernetes Config; created Service Connection for in-cluster');
    return true;
  });
}

/** Outposts the controller looks after: those with a connection, and those with objects left to remove. */
async function outpostsToReconcile(ctx: AppContext): Promise<string[]> {
  const connected = await ctx.db.query<{ uuid: string }>(
    `SELECT o.uuid FROM outposts o JOIN service_connections c ON c.uuid = o.service_connection
     WHERE c.kind = 'kubernetes'`,
  );
  return [...new Set([...connected.map((r) => r.uuid), ...(await outpostsWithAppliedObjects(ctx.db))])];
}

/** A running integration; stop it before closing the database. */
export interface KubernetesIntegration {
  /** Resolves when no controller run is in progress or queued (tests wait on it). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the integration: discovery, change-driven runs, the schedule. */
export async function startKubernetesIntegration(
  ctx: AppContext,
  log: FastifyBaseLogger,
  schedule: Partial<KubernetesSchedule> = {},
): Promise<KubernetesIntegration> {
  const intervals = { ...DEFAULT_SCHEDULE, ...schedule };
  await discoverLocalCluster(ctx, log).catch((error: unknown) =>
    log.warn({ err: error }, 'kubernetes discovery failed'),
  );
  const queued = new Set<string>();
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;
  // Runs one after the other; an outpost queued twice before its run runs once.
  const enqueue = (uuids: readonly string[]) => {
    for (const uuid of uuids) {
      if (queued.has(uuid)) continue;
      queued.add(uuid);
      chain = chain
        .then(async () => {
          queued.delete(uuid);
          if (stopped) return;
          const relevant = await outpostsToReconcile(ctx);
          if (!relevant.includes(uuid)) return;
          const result = await reconcileOutpost(ctx, uuid);
          if (result?.status === 'error') log.warn({ outpost: uuid }, 'kubernetes controller run failed');
        })
        .catch((error: unknown) =>
          log.error({ err: error, outpost: uuid }, 'kubernetes controller run crashed'),
        );
    }
  };
  const unsubscribe = await subscribeClusterBus(ctx.db, {
    onMessage: (message) => {
      if (message.type === 'outposts.update') enqueue(message.outpost_uuids);
    },
    onMalformed: () => {},
    onResubscribed: () => void outpostsToReconcile(ctx).then(enqueue),
  });
  const scheduled = async (actorName: string, intervalMs: number, work: () => Promise<void>) => {
    await recordTask(
      ctx.db,
      {
        actorName,
        uid: 'schedule',
        description: `Scheduled every ${Math.round(intervalMs / 1000)} s.`,
        notWithinMs: intervalMs,
      },
      async (taskLog) => {
        await work();
        taskLog.add('info', 'Scheduled run started.');
      },
    );
  };
  const timers = [
    setInterval(
      () => {
        void scheduled('outpost_controller_all', intervals.controllerIntervalMs, async () =>
          enqueue(await outpostsToReconcile(ctx)),
        ).catch((error: unknown) => log.warn({ err: error }, 'scheduled controller run failed'));
      },
      Math.min(intervals.controllerIntervalMs, 60_000),
    ),
    setInterval(
      () => {
        void scheduled('outpost_service_connection_monitor', intervals.stateIntervalMs, async () => {
          for (const uuid of await allKubernetesConnectionUuids(ctx.db))
            await kubernetesConnectionState(ctx, uuid);
        }).catch((error: unknown) => log.warn({ err: error }, 'scheduled connection check failed'));
      },
      Math.min(intervals.stateIntervalMs, 60_000),
    ),
    setInterval(() => {
      void pendingRotations(ctx.db)
        .then(enqueue)
        .catch(() => {});
    }, intervals.rotationPollMs),
  ];
  for (const timer of timers) timer.unref();
  enqueue(await outpostsToReconcile(ctx));
  return {
    async idle() {
      for (;;) {
        const current = chain;
        await current;
        if (current === chain && queued.size === 0) return;
      }
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      await unsubscribe();
      await chain;
    },
  };
}
