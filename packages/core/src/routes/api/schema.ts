import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { renderOpenApi } from '../../http/openapi.ts';

/** Serves the OpenAPI document built from the registered routes' own schemas. */
export function schemaRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    let document: Record<string, unknown> | undefined;
    app.get('/schema/', async () => {
      // Built on first request, once every route is registered; the routes never change at run time.
      document ??= renderOpenApi(app, ctx.version);
      return document;
    });
  };
}
