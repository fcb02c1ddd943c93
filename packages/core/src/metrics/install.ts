import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { metricSources } from './sources.ts';

/**
 * Times every request the core answers, labelled by the matched route's template (`/api/v3/core/users/:id/`),
 * never the raw path, so a scan of random URLs adds no series; and points the scrape-time gauges at this app.
 */
export function installCoreMetrics(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onResponse', async (request, reply) => {
    ctx.metrics.httpRequest(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
  app.addHook('onReady', async () => ctx.metrics.observe(metricSources(ctx, app)));
}
