import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.ts';
import { isMigrated } from '../db/migrate.ts';

/** Liveness (the process answers) and readiness (the database is reachable and migrated). */
export function healthRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/-/health/live/', async (_request, reply) => reply.status(204).send());
    app.get('/-/health/ready/', async (request, reply) => {
      const reachable = await ctx.db.ping();
      const migrated = reachable && (await isMigrated(ctx.db, [...ctx.migrations]));
      if (reachable && migrated) return reply.status(204).send();
      request.log.warn({ reachable, migrated }, 'not ready');
      return reply
        .status(503)
        .send({ detail: 'The service is not ready.', code: 'unavailable', reachable, migrated });
    });
  };
}
