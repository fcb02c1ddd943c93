import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { OUTPOST_INSTANCE_TTL_SECONDS } from '../outposts/hub/instances-repository.ts';
import type { MetricSources } from './core-metrics.ts';

/** Where the core's scrape-time gauges read: this process's outpost hub, and the database for the cluster. */
export function metricSources(ctx: AppContext, app: FastifyInstance): MetricSources {
  return {
    connectedInstances: () => app.outpostHub.connectedInstances(),
    liveInstances: async () => {
      const rows = await ctx.db.query<{
        name: string;
        uid: string;
        version: string;
        last_seen: string | Date;
      }>(
        `SELECT o.name, i.uid, i.version, i.last_seen FROM outpost_instances i
         JOIN outposts o ON o.uuid = i.outpost_uuid
         WHERE i.last_seen > now() - make_interval(secs => $1)`,
        [OUTPOST_INSTANCE_TTL_SECONDS],
      );
      return rows.map((r) => ({
        outpost: r.name,
        uid: r.uid,
        version: r.version,
        lastSeen: new Date(r.last_seen),
      }));
    },
    outpostNames: async () => {
      const rows = await ctx.db.query<{ uuid: string; name: string }>('SELECT uuid, name FROM outposts');
      return new Map(rows.map((r) => [r.uuid, r.name]));
    },
    systemTasks: async () =>
      ctx.db.query<{ name: string; status: string }>(
        'SELECT actor_name AS name, aggregated_status AS status FROM system_tasks',
      ),
    pool: () => ctx.db.poolStats?.(),
  };
}
