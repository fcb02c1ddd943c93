import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  GenericError,
  ListQuery,
  Paginated,
  PatchedProxyProviderRequest,
  ProxyProvider as ProviderBody,
  ProxyProviderRequest,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { publishChange } from '../../outposts/hub/changes.ts';
import { assertThat, notFound } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { rethrowDuplicate } from '../../providers/validate.ts';
import {
  deleteProxyProvider,
  findProxyProvider,
  insertProxyProvider,
  listProxyProviders,
  type ProxyProvider,
  type ProxyProviderFields,
  updateProxyProvider,
} from '../../proxy/providers-repository.ts';
import { presentProxySettings } from '../../proxy/present-settings.ts';
import { assertValidProxyProvider } from '../../proxy/validate.ts';
import { presentProvider } from './provider-kinds.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const IEXACT_FILTERS = {
  name: Type.String(),
  authorization_flow__slug: Type.String(),
  internal_host: Type.String(),
  external_host: Type.String(),
  internal_host_ssl_validation: Type.Boolean(),
  certificate__kp_uuid: Type.String({ format: 'uuid' }),
  certificate__name: Type.String(),
  skip_path_regex: Type.String(),
  basic_auth_enabled: Type.Boolean(),
  basic_auth_password_attribute: Type.String(),
  basic_auth_user_attribute: Type.String(),
  mode: Type.String(),
  cookie_domain: Type.String(),
};

const ProviderListQuery = Type.Object({
  ...ListQuery,
  application__isnull: Type.Optional(Type.Boolean()),
  property_mappings__iexact: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 50 })),
  ...Object.fromEntries(
    Object.entries(IEXACT_FILTERS).map(([field, schema]) => [`${field}__iexact`, Type.Optional(schema)]),
  ),
});
type ProviderListQuery = {
  page?: number;
  page_size?: number;
  ordering?: string;
  search?: string;
  application__isnull?: boolean;
  property_mappings__iexact?: string[];
} & Partial<Record<`${keyof typeof IEXACT_FILTERS}__iexact`, string | boolean>>;
const ProviderId = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

type ProviderInput = Static<typeof PatchedProxyProviderRequest>;

function providerFields(body: ProviderInput): ProxyProviderFields {
  return {
    name: body.name,
    authenticationFlow: body.authentication_flow,
    authorizationFlow: body.authorization_flow,
    invalidationFlow: body.invalidation_flow,
    accessTokenValidity: body.access_token_validity,
    refreshTokenValidity: body.refresh_token_validity,
    propertyMappings: body.property_mappings,
    internalHost: body.internal_host,
    externalHost: body.external_host,
    internalHostSslValidation: body.internal_host_ssl_validation,
    certificate: body.certificate,
    skipPathRegex: body.skip_path_regex,
    basicAuthEnabled: body.basic_auth_enabled,
    basicAuthUserAttribute: body.basic_auth_user_attribute,
    basicAuthPasswordAttribute: body.basic_auth_password_attribute,
    mode: body.mode,
    cookieDomain: body.cookie_domain,
    interceptHeaderAuth: body.intercept_header_auth,
  };
}

/** A proxy provider in the contract's ProxyProvider shape (its client secret and cookie secret never). */
export function presentProxyProvider(provider: ProxyProvider): Static<typeof ProviderBody> {
  return {
    ...presentProvider(provider, 'proxy'),
    client_id: provider.clientId,
    ...presentProxySettings(provider),
    redirect_uris: provider.redirectUris,
    jwt_federation_sources: [],
    jwt_federation_providers: [],
    access_token_validity: provider.accessTokenValidity,
    refresh_token_validity: provider.refreshTokenValidity,
    outpost_set: provider.outpostSet,
  };
}

/** /providers/proxy/: the admin API for proxy providers (each with its OAuth2 client kept in step). */
export function proxyProviderRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: ProviderListQuery }>(
      '/providers/proxy/',
      {
        schema: { querystring: ProviderListQuery, response: { 200: Paginated(ProviderBody), ...errors } },
        config: { operationId: 'providers_proxy_list' },
      },
      async (request) => {
        const q = request.query;
        const iexact = Object.fromEntries(
          (Object.keys(IEXACT_FILTERS) as Array<keyof typeof IEXACT_FILTERS>).map((field) => [
            field,
            q[`${field}__iexact`],
          ]),
        );
        const { providers, count } = await listProxyProviders(ctx.db, {
          ...pageWindow(q),
          filter: {
            applicationIsNull: q.application__isnull,
            propertyMappings: q.property_mappings__iexact,
            iexact,
          },
        });
        return paginated(q, providers.map(presentProxyProvider), count);
      },
    );

    app.post<{ Body: Static<typeof ProxyProviderRequest> }>(
      '/providers/proxy/',
      {
        schema: { body: ProxyProviderRequest, response: { 201: ProviderBody, ...errors } },
        config: { operationId: 'providers_proxy_create' },
      },
      async (request, reply) => {
        const body = request.body;
        const provider = await ctx.db
          .transaction(async (tx) => {
            await assertValidProxyProvider(tx, body);
            return insertProxyProvider(tx, ctx.box, {
              ...providerFields(body),
              name: body.name,
              externalHost: body.external_host,
            });
          })
          .catch(rethrowDuplicate);
        request.log.info({ provider: provider.id, client: provider.clientId }, 'proxy provider created');
        return reply.code(201).send(presentProxyProvider(provider));
      },
    );

    app.get<{ Params: Static<typeof ProviderId> }>(
      '/providers/proxy/:id/',
      {
        schema: { params: ProviderId, response: { 200: ProviderBody, ...errors } },
        config: { operationId: 'providers_proxy_retrieve' },
      },
      async (request) => {
        const provider = await findProxyProvider(ctx.db, request.params.id);
        assertThat(provider, notFound);
        return presentProxyProvider(provider);
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', ProxyProviderRequest, 'providers_proxy_update'],
      ['PATCH', PatchedProxyProviderRequest, 'providers_proxy_partial_update'],
    ] as const) {
      app.route<{ Params: Static<typeof ProviderId>; Body: ProviderInput }>({
        method,
        url: '/providers/proxy/:id/',
        schema: { params: ProviderId, body, response: { 200: ProviderBody, ...errors } },
        config: { operationId },
        handler: async (request) => {
          const provider = await ctx.db
            .transaction(async (tx) => {
              const current = await findProxyProvider(tx, request.params.id);
              assertThat(current, notFound);
              await assertValidProxyProvider(tx, request.body, current);
              // Announced on commit to the outposts that serve the provider.
              await publishChange({ db: tx }, { model: 'provider', pk: current.id });
              return updateProxyProvider(tx, ctx.box, current.id, providerFields(request.body));
            })
            .catch(rethrowDuplicate);
          assertThat(provider, notFound);
          request.log.info({ provider: provider.id }, 'proxy provider updated');
          return presentProxyProvider(provider);
        },
      });
    }

    app.delete<{ Params: Static<typeof ProviderId> }>(
      '/providers/proxy/:id/',
      {
        schema: { params: ProviderId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'providers_proxy_destroy' },
      },
      async (request, reply) => {
        const deleted = await ctx.db.transaction(async (tx) => {
          // Resolved before the delete cascades away the provider's outpost links; announced on commit.
          await publishChange({ db: tx }, { model: 'provider', pk: request.params.id });
          return deleteProxyProvider(tx, request.params.id);
        });
        assertThat(deleted, notFound);
        request.log.info({ provider: request.params.id }, 'proxy provider deleted');
        return reply.code(204).send();
      },
    );
  };
}
