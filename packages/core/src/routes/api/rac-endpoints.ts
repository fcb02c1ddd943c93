import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  GenericError,
  ListQuery,
  Paginated,
  PatchedRACEndpointRequest,
  RACEndpoint as EndpointBody,
  RACEndpointRequest,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { ApiError, assertThat, notFound } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { endpointsUserMayOpen } from '../../rac/access.ts';
import {
  deleteRacEndpoint,
  findRacEndpoint,
  insertRacEndpoint,
  listRacEndpoints,
  type RacEndpoint,
  type RacEndpointFields,
  updateRacEndpoint,
} from '../../rac/endpoints-repository.ts';
import { assertValidRacEndpoint } from '../../rac/validate.ts';
import { presentRacEndpoints } from './rac-presenters.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const EndpointListQuery = Type.Object({
  ...ListQuery,
  name: Type.Optional(Type.String({ maxLength: 250 })),
  provider: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
  superuser_full_list: Type.Optional(Type.Boolean()),
});
const EndpointId = Type.Object({ pbm_uuid: Type.String({ format: 'uuid' }) });
type EndpointInput = Static<typeof PatchedRACEndpointRequest>;

function endpointFields(body: EndpointInput): RacEndpointFields {
  return {
    name: body.name,
    providerId: body.provider,
    protocol: body.protocol,
    host: body.host,
    settings: body.settings,
    authMode: body.auth_mode,
    maximumConnections: body.maximum_connections,
    propertyMappings: body.property_mappings,
  };
}

async function presentOne(ctx: AppContext, endpoint: RacEndpoint): Promise<Static<typeof EndpointBody>> {
  const [presented] = await presentRacEndpoints(ctx.db, [endpoint]);
  if (!presented) throw new ApiError('not_found');
  return presented;
}

/**
 * GET /rac/endpoints/ for any signed-in user: the endpoints they may open (their launch URLs are what the
 * user interface lists); a superuser asking `superuser_full_list=true` gets every endpoint.
 */
export function racEndpointListRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof EndpointListQuery> }>(
      '/rac/endpoints/',
      {
        schema: { querystring: EndpointListQuery, response: { 200: Paginated(EndpointBody), ...errors } },
        config: { operationId: 'rac_endpoints_list' },
      },
      async (request) => {
        const q = request.query;
        const user = request.principal?.user;
        assertThat(user, () => new ApiError('not_authenticated'));
        const fullList = q.superuser_full_list === true && user.isSuperuser;
        const uuids = fullList ? undefined : await endpointsUserMayOpen(ctx.db, user.id, q.provider);
        const { endpoints, count } = await listRacEndpoints(ctx.db, {
          ...pageWindow(q),
          filter: { name: q.name, providerId: q.provider, uuids },
        });
        return paginated(q, await presentRacEndpoints(ctx.db, endpoints), count);
      },
    );
  };
}

/** /rac/endpoints/ for admins: create, read, change and delete endpoints (credentials are write-only). */
export function racEndpointRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: Static<typeof RACEndpointRequest> }>(
      '/rac/endpoints/',
      {
        schema: { body: RACEndpointRequest, response: { 201: EndpointBody, ...errors } },
        config: { operationId: 'rac_endpoints_create' },
      },
      async (request, reply) => {
        const body = request.body;
        const endpoint = await ctx.db.transaction(async (tx) => {
          await assertValidRacEndpoint(tx, body);
          return insertRacEndpoint(tx, ctx.box, {
            ...endpointFields(body),
            name: body.name,
            providerId: body.provider,
            protocol: body.protocol,
            host: body.host,
          });
        });
        request.log.info({ endpoint: endpoint.uuid, provider: endpoint.providerId }, 'rac endpoint created');
        return reply.code(201).send(await presentOne(ctx, endpoint));
      },
    );

    app.get<{ Params: Static<typeof EndpointId> }>(
      '/rac/endpoints/:pbm_uuid/',
      {
        schema: { params: EndpointId, response: { 200: EndpointBody, ...errors } },
        config: { operationId: 'rac_endpoints_retrieve' },
      },
      async (request) => {
        const endpoint = await findRacEndpoint(ctx.db, request.params.pbm_uuid);
        assertThat(endpoint, notFound);
        return presentOne(ctx, endpoint);
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', RACEndpointRequest, 'rac_endpoints_update'],
      ['PATCH', PatchedRACEndpointRequest, 'rac_endpoints_partial_update'],
    ] as const) {
      app.route<{ Params: Static<typeof EndpointId>; Body: EndpointInput }>({
        method,
        url: '/rac/endpoints/:pbm_uuid/',
        schema: { params: EndpointId, body, response: { 200: EndpointBody, ...errors } },
        config: { operationId },
        handler: async (request) => {
          const endpoint = await ctx.db.transaction(async (tx) => {
            assertThat(await findRacEndpoint(tx, request.params.pbm_uuid), notFound);
            await assertValidRacEndpoint(tx, request.body);
            return updateRacEndpoint(tx, ctx.box, request.params.pbm_uuid, endpointFields(request.body));
          });
          assertThat(endpoint, notFound);
          request.log.info({ endpoint: endpoint.uuid }, 'rac endpoint updated');
          return presentOne(ctx, endpoint);
        },
      });
    }

    app.delete<{ Params: Static<typeof EndpointId> }>(
      '/rac/endpoints/:pbm_uuid/',
      {
        schema: { params: EndpointId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'rac_endpoints_destroy' },
      },
      async (request, reply) => {
        const deleted = await ctx.db.transaction((tx) => deleteRacEndpoint(tx, request.params.pbm_uuid));
        assertThat(deleted, notFound);
        request.log.info({ endpoint: request.params.pbm_uuid }, 'rac endpoint deleted');
        return reply.code(204).send();
      },
    );
  };
}
