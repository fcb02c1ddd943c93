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
import { paginated } from '../../http/pagination.ts';
import { providerIdsVisibleTo } from '../../outposts/principal.ts';

const ConfigListQuery = Type.Object({ ...ListQuery, name: Type.Optional(Type.String()) });
const errors = { 400: ValidationError, 403: GenericError };

/**
 * /outposts/ldap/ and /outposts/radius/: the providers an LDAP or RADIUS outpost serves, as it reads them (a
 * superuser: all of them). LDAP and RADIUS providers are not built yet, so the lists are empty; their parts
 * fill them from `providerIdsVisibleTo(ctx, request, kind)`, which already scopes an outpost to its own.
 */
export function outpostConfigRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
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
          // Resolved now so the scoping is in place the day the provider tables arrive.
          await providerIdsVisibleTo(ctx, request, kind);
          return paginated(request.query, [], 0);
        },
      );
    }
  };
}
