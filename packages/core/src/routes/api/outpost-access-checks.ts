import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { GenericError, RadiusCheckAccess, ValidationError } from '@palisade/schema';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { ApiError } from '../../http/api-error.ts';
import { hasSearchPermission } from '../../ldap/search-permission.ts';
import { checkOutpostAccess } from '../../outposts/access-check.ts';
import { replyAttributesFor } from '../../radius/reply-attributes.ts';

const Params = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
const Query = Type.Object({ app_slug: Type.Optional(Type.String({ maxLength: 50 })) });
const PolicyTestResult = Type.Object({
  passing: Type.Boolean(),
  messages: Type.Array(Type.String()),
  log_messages: Type.Array(Type.Never()),
});
const LdapCheckAccess = Type.Object({ access: PolicyTestResult, has_search_permission: Type.Boolean() });
const errors = { 400: ValidationError, 403: GenericError };

type Request = FastifyRequest<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>;

/** The end user this request's login session belongs to (the group's hook made sure there is one). */
function sessionUser(request: Request) {
  if (request.principal?.via !== 'session') throw new ApiError('permission_denied');
  return request.principal.user;
}

/**
 * `/outposts/ldap/<pk>/check_access/` and `/outposts/radius/<pk>/check_access/`: after a bind or an
 * Access-Request ran the flow executor, the outpost asks with the end user's session cookie whether that
 * user may use the application. `has_search_permission` (may the user search the whole directory) is the
 * provider's `search_group` right (ldap/search-permission.ts), and only for a user who passes.
 */
export function outpostAccessCheckRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>(
      '/outposts/ldap/:id/check_access/',
      {
        schema: { params: Params, querystring: Query, response: { 200: LdapCheckAccess, ...errors } },
        config: { operationId: 'outposts_ldap_access_check' },
      },
      async (request) => {
        const user = sessionUser(request);
        const access = await checkOutpostAccess(ctx, {
          user,
          providerId: request.params.id,
          kind: 'ldap',
          appSlug: request.query.app_slug,
        });
        request.log.info(
          { user: user.username, provider: request.params.id, passing: access.passing },
          'ldap access check',
        );
        const mayReadAll = access.passing && (await hasSearchPermission(ctx.db, request.params.id, user.id));
        return { access, has_search_permission: mayReadAll };
      },
    );

    app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>(
      '/outposts/radius/:id/check_access/',
      {
        schema: { params: Params, querystring: Query, response: { 200: RadiusCheckAccess, ...errors } },
        config: { operationId: 'outposts_radius_access_check' },
      },
      async (request) => {
        const user = sessionUser(request);
        const access = await checkOutpostAccess(ctx, {
          user,
          providerId: request.params.id,
          kind: 'radius',
          appSlug: request.query.app_slug,
        });
        request.log.info(
          { user: user.username, provider: request.params.id, passing: access.passing },
          'radius access check',
        );
        if (!access.passing) return { access, attribute_list: [] };
        try {
          return { access, ...(await replyAttributesFor(ctx.db, request.params.id)) };
        } catch (error) {
          request.log.error({ err: error, provider: request.params.id }, 'radius reply attributes failed');
          const refused = {
            passing: false,
            messages: ['The reply attributes could not be built.'],
            log_messages: [],
          };
          return { access: refused, attribute_list: [] };
        }
      },
    );
  };
}
