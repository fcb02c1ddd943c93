import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  GenericError,
  ListQuery,
  Paginated,
  PatchedRACProviderRequest,
  RACProvider as ProviderBody,
  RACProviderRequest,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { assertThat, notFound } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { publishChange } from '../../outposts/hub/changes.ts';
import { rethrowDuplicate } from '../../providers/validate.ts';
import {
  deleteRacProvider,
  findRacProvider,
  insertRacProvider,
  listRacProviders,
  type RacProviderFields,
  updateRacProvider,
} from '../../rac/providers-repository.ts';
import { assertValidRacProvider } from '../../rac/validate.ts';
import { presentRacProvider } from './rac-presenters.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const ProviderListQuery = Type.Object({
  ...ListQuery,
  application__isnull: Type.Optional(Type.Boolean()),
  name__iexact: Type.Optional(Type.String({ maxLength: 250 })),
});
const ProviderId = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
type ProviderInput = Static<typeof PatchedRACProviderRequest>;

function providerFields(body: ProviderInput): RacProviderFields {
  return {
    name: body.name,
    authenticationFlow: body.authentication_flow,
    authorizationFlow: body.authorization_flow,
    invalidationFlow: body.invalidation_flow,
    propertyMappings: body.property_mappings,
    settings: body.settings,
    authMode: body.auth_mode,
    connectionExpiry: body.connection_expiry,
    deleteTokenOnDisconnect: body.delete_token_on_disconnect,
  };
}

/** /providers/rac/: the admin API for RAC providers (credentials in `settings` are write-only). */
export function racProviderRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof ProviderListQuery> }>(
      '/providers/rac/',
      {
        schema: { querystring: ProviderListQuery, response: { 200: Paginated(ProviderBody), ...errors } },
        config: { operationId: 'providers_rac_list' },
      },
      async (request) => {
        const q = request.query;
        const { providers, count } = await listRacProviders(ctx.db, {
          ...pageWindow(q),
          filter: { applicationIsNull: q.application__isnull, nameIexact: q.name__iexact },
        });
        return paginated(q, providers.map(presentRacProvider), count);
      },
    );

    app.post<{ Body: Static<typeof RACProviderRequest> }>(
      '/providers/rac/',
      {
        schema: { body: RACProviderRequest, response: { 201: ProviderBody, ...errors } },
        config: { operationId: 'providers_rac_create' },
      },
      async (request, reply) => {
        const body = request.body;
        const provider = await ctx.db
          .transaction(async (tx) => {
            await assertValidRacProvider(tx, body);
            return insertRacProvider(tx, ctx.box, { ...providerFields(body), name: body.name });
          })
          .catch(rethrowDuplicate);
        request.log.info({ provider: provider.id }, 'rac provider created');
        return reply.code(201).send(presentRacProvider(provider));
      },
    );

    app.get<{ Params: Static<typeof ProviderId> }>(
      '/providers/rac/:id/',
      {
        schema: { params: ProviderId, response: { 200: ProviderBody, ...errors } },
        config: { operationId: 'providers_rac_retrieve' },
      },
      async (request) => {
        const provider = await findRacProvider(ctx.db, request.params.id);
        assertThat(provider, notFound);
        return presentRacProvider(provider);
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', RACProviderRequest, 'providers_rac_update'],
      ['PATCH', PatchedRACProviderRequest, 'providers_rac_partial_update'],
    ] as const) {
      app.route<{ Params: Static<typeof ProviderId>; Body: ProviderInput }>({
        method,
        url: '/providers/rac/:id/',
        schema: { params: ProviderId, body, response: { 200: ProviderBody, ...errors } },
        config: { operationId },
        handler: async (request) => {
          const provider = await ctx.db
            .transaction(async (tx) => {
              const current = await findRacProvider(tx, request.params.id);
              assertThat(current, notFound);
              await assertValidRacProvider(tx, request.body);
              // Announced on commit to the outposts that serve the provider.
              await publishChange({ db: tx }, { model: 'provider', pk: current.id });
              return updateRacProvider(tx, ctx.box, current.id, providerFields(request.body));
            })
            .catch(rethrowDuplicate);
          assertThat(provider, notFound);
          request.log.info({ provider: provider.id }, 'rac provider updated');
          return presentRacProvider(provider);
        },
      });
    }

    app.delete<{ Params: Static<typeof ProviderId> }>(
      '/providers/rac/:id/',
      {
        schema: { params: ProviderId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'providers_rac_destroy' },
      },
      async (request, reply) => {
        const deleted = await ctx.db.transaction(async (tx) => {
          await publishChange({ db: tx }, { model: 'provider', pk: request.params.id });
          return deleteRacProvider(tx, request.params.id);
        });
        assertThat(deleted, notFound);
        request.log.info({ provider: request.params.id }, 'rac provider deleted');
        return reply.code(204).send();
      },
    );
  };
}
