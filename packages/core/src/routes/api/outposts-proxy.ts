import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { GenericError, ListQuery, Paginated, ProxyOutpostConfig, ValidationError } from '@palisade/schema';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { queryOne } from '../../db/database.ts';
import { assertThat, validationFailed } from '../../http/api-error.ts';
import { publicOrigin } from '../../http/origin.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { proxyOutpostConfigs } from '../../outposts/proxy-config.ts';

const errors = { 400: ValidationError, 403: GenericError };

const OutpostProxyQuery = Type.Object({
  ...ListQuery,
  name: Type.Optional(Type.String()),
  // Admin group only: whose providers to list (all outposts' when absent).
  outpost: Type.Optional(Type.String({ format: 'uuid' })),
});
type OutpostProxyQuery = Static<typeof OutpostProxyQuery>;

/**
 * Which outpost's providers a request asks for: null for every outpost's. In the admin group a superuser
 * names one with `?outpost=`; in the outpost group the caller passes a resolver that reads the outpost from
 * the authenticated principal (and ignores the query).
 */
export type OutpostOf = (
  request: FastifyRequest<{ Querystring: OutpostProxyQuery }>,
) => Promise<string | null>;

/** The admin group's resolver: `?outpost=<uuid>` of an existing outpost, or every outpost's without it. */
export function outpostFromQuery(ctx: AppContext): OutpostOf {
  return async (request) => {
    const uuid = request.query.outpost;
    if (uuid === undefined) return null;
    const found = await queryOne(ctx.db, 'SELECT 1 FROM outposts WHERE uuid = $1', [uuid]);
    assertThat(found, () => validationFailed({ outpost: [`Invalid pk "${uuid}" - object does not exist.`] }));
    return uuid;
  };
}

/** /outposts/proxy/: the proxy providers an outpost serves, with what it needs to run them (spec §2.1). */
export function outpostProxyRoutes(
  ctx: AppContext,
  outpostOf: OutpostOf = outpostFromQuery(ctx),
): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: OutpostProxyQuery }>(
      '/outposts/proxy/',
      {
        schema: {
          querystring: OutpostProxyQuery,
          response: { 200: Paginated(ProxyOutpostConfig), ...errors },
        },
        config: { operationId: 'outposts_proxy_list' },
      },
      async (request) => {
        const q = request.query;
        const outpost = await outpostOf(request);
        const { results, count } = await proxyOutpostConfigs(ctx, outpost, publicOrigin(ctx, request), {
          ...pageWindow(q),
          name: q.name,
        });
        return paginated(q, results, count);
      },
    );
  };
}
