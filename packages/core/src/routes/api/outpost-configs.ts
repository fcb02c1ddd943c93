import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  GenericError,
  LDAPOutpostConfig,
  ListQuery,
  Paginated,
  RadiusOutpostConfig,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { ldapOutpostConfigs } from '../../ldap/outpost-config.ts';
import { radiusOutpostConfigs } from '../../radius/outpost-config.ts';
import { providerIdsVisibleTo } from '../../outposts/principal.ts';

const ConfigListQuery = Type.Object({ ...ListQuery, name: Type.Optional(Type.String()) });
const errors = { 400: ValidationError, 403: GenericError };
type Page = { limit: number; offset: number; name?: string };

/**
 * /outposts/ldap/ and /outposts/radius/: the providers an LDAP or RADIUS outpost serves, as it reads them (a
 * superuser: all of them), scoped by `providerIdsVisibleTo` to the calling outpost's own.
 */
export function outpostConfigRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const lists = {
      ldap: (ids: readonly number[] | undefined, page: Page) => ldapOutpostConfigs(ctx.db, ids, page),
      radius: (ids: readonly number[] | undefined, page: Page) =>
        radiusOutpostConfigs(ctx.db, ctx.box, ids, page),
    };
    for (const [kind, item, operationId] of [
      ['ldap', LDAPOutpostConfig, 'outposts_ldap_list'],
      ['radius', RadiusOutpostConfig, 'outposts_radius_list'],
    ] as const) {
      app.get<{ Querystring: Static<typeof ConfigListQuery> }>(
        `/outposts/${kind}/`,
        {
          schema: { querystring: ConfigListQuery, response: { 200: Paginated(item), ...errors } },
          config: { operationId },
        },
        async (request) => {
          const q = request.query;
          const ids = await providerIdsVisibleTo(ctx, request, kind);
          const { results, count } = await lists[kind](ids, { ...pageWindow(q), name: q.name });
          return paginated<unknown>(q, results, count);
        },
      );
    }
  };
}
