import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  GenericError,
  ListQuery,
  OAuth2Provider as ProviderBody,
  OAuth2ProviderRequest,
  OAuth2ProviderSetupURLs,
  Paginated,
  PatchedOAuth2ProviderRequest,
  Provider,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import { findFlow } from '../../flows/flows-repository.ts';
import { assertThat, notFound, uniqueViolation, validationFailed } from '../../http/api-error.ts';
import { requestOrigin } from '../../http/origin.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { findUserById } from '../../identity/users-repository.ts';
import { userClaims } from '../../oauth2/claims.ts';
import { OAUTH2_BASE } from '../../oauth2/issuer.ts';
import {
  deleteOAuth2Provider,
  findOAuth2Provider,
  insertOAuth2Provider,
  listOAuth2Providers,
  type OAuth2Provider,
  type OAuth2ProviderFields,
  revealClientSecret,
  updateOAuth2Provider,
} from '../../oauth2/providers-repository.ts';
import { redirectPatternProblem } from '../../oauth2/redirect-uris.ts';
import { parseValidity } from '../../oauth2/validity.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const ProviderListQuery = Type.Object({
  ...ListQuery,
  name: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String()),
  client_type: Type.Optional(Type.String()),
  application: Type.Optional(Type.String()),
});
const AllProvidersQuery = Type.Object({
  ...ListQuery,
  application__isnull: Type.Optional(Type.Boolean()),
  backchannel: Type.Optional(Type.Boolean()),
});
const ProviderId = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

type ProviderInput = Static<typeof PatchedOAuth2ProviderRequest>;

/** Client ids and secrets Palisade makes when the admin gives none (as long as the reference's). */
const newClientId = () => randomBytes(30).toString('base64url');
const newClientSecret = () => randomBytes(96).toString('base64url');

function providerFields(body: ProviderInput): OAuth2ProviderFields {
  return {
    name: body.name,
    authenticationFlow: body.authentication_flow,
    authorizationFlow: body.authorization_flow,
    invalidationFlow: body.invalidation_flow,
    clientType: body.client_type as OAuth2Provider['clientType'] | undefined,
    clientId: body.client_id,
    clientSecret: body.client_secret,
    redirectUris: body.redirect_uris as OAuth2Provider['redirectUris'] | undefined,
    accessCodeValidity: body.access_code_validity,
    accessTokenValidity: body.access_token_validity,
    refreshTokenValidity: body.refresh_token_validity,
    refreshTokenThreshold: body.refresh_token_threshold,
    includeClaimsInIdToken: body.include_claims_in_id_token,
    subMode: body.sub_mode,
    issuerMode: body.issuer_mode,
    logoutUri: body.logout_uri,
    logoutMethod: body.logout_method,
  };
}

/** Checks what JSON Schema cannot: durations, flows of the right kind, redirect URIs, secrets. */
async function assertValidProvider(db: Queryable, body: ProviderInput): Promise<void> {
  const problems: Record<string, string[]> = {};
  for (const field of ['access_code_validity', 'access_token_validity', 'refresh_token_validity'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    try {
      parseValidity(value);
    } catch (error) {
      problems[field] = [(error as Error).message];
    }
  }
  if (
    body.refresh_token_threshold !== undefined &&
    !/^(\s*\w+=\d+(\.\d+)?\s*;?)+$/.test(body.refresh_token_threshold)
  ) {
    problems.refresh_token_threshold = ['Use the format hours=1;minutes=2;seconds=3.'];
  }
  for (const [field, designation] of [
    ['authorization_flow', 'authorization'],
    ['invalidation_flow', 'invalidation'],
    ['authentication_flow', 'authentication'],
  ] as const) {
    const uuid = body[field];
    if (!uuid) continue;
    const flow = await findFlow(db, uuid);
    if (!flow) problems[field] = [`Invalid pk "${uuid}" - object does not exist.`];
    else if (flow.designation !== designation)
      problems[field] = [`Flow ${flow.slug} is not an ${designation} flow.`];
  }
  for (const [i, uri] of (body.redirect_uris ?? []).entries()) {
    if (uri.matching_mode === 'strict' && !URL.canParse(uri.url)) {
      problems.redirect_uris = [...(problems.redirect_uris ?? []), `Entry ${i}: ${uri.url} is not a URL.`];
    }
    const patternProblem = uri.matching_mode === 'regex' ? redirectPatternProblem(uri.url) : undefined;
    if (patternProblem) {
      problems.redirect_uris = [...(problems.redirect_uris ?? []), `Entry ${i}: ${patternProblem}`];
    }
  }
  if (body.client_secret !== undefined && body.client_secret !== '' && body.client_secret.length < 16) {
    problems.client_secret = ['A client secret needs at least 16 characters.'];
  }
  assertThat(Object.keys(problems).length === 0, () => validationFailed(problems));
}

function duplicate(error: unknown): never {
  const constraint = uniqueViolation(error);
  if (constraint) {
    const field = constraint.includes('client_id') ? 'client_id' : 'name';
    throw validationFailed({ [field]: [`A provider with this ${field} already exists.`] }, 'unique');
  }
  throw error;
}

/** The fields every kind of provider shows (the contract's Provider). */
export function presentProvider(provider: OAuth2Provider): Static<typeof Provider> {
  return {
    pk: provider.id,
    name: provider.name,
    authentication_flow: provider.authenticationFlow,
    authorization_flow: provider.authorizationFlow,
    invalidation_flow: provider.invalidationFlow,
    property_mappings: [],
    component: 'ak-provider-oauth2-form',
    assigned_application_slug: provider.applicationSlug,
    assigned_application_name: provider.applicationName,
    assigned_backchannel_application_slug: null,
    assigned_backchannel_application_name: null,
    verbose_name: 'OAuth2/OpenID Provider',
    verbose_name_plural: 'OAuth2/OpenID Providers',
    meta_model_name: 'authentik_providers_oauth2.oauth2provider',
  };
}

/** /providers/oauth2/ and /providers/all/: the admin API for OAuth2/OpenID providers. */
export function oauth2ProviderRoutes(ctx: AppContext): FastifyPluginAsync {
  async function present(provider: OAuth2Provider): Promise<Static<typeof ProviderBody>> {
    return {
      ...presentProvider(provider),
      client_type: provider.clientType,
      client_id: provider.clientId,
      client_secret: (await revealClientSecret(ctx.db, ctx.box, provider.id)) ?? '',
      access_code_validity: provider.accessCodeValidity,
      access_token_validity: provider.accessTokenValidity,
      refresh_token_validity: provider.refreshTokenValidity,
      refresh_token_threshold: provider.refreshTokenThreshold,
      include_claims_in_id_token: provider.includeClaimsInIdToken,
      signing_key: null,
      encryption_key: null,
      redirect_uris: provider.redirectUris,
      logout_uri: provider.logoutUri,
      logout_method: provider.logoutMethod as 'backchannel' | 'frontchannel',
      sub_mode: provider.subMode as Static<typeof ProviderBody>['sub_mode'],
      issuer_mode: provider.issuerMode as 'global' | 'per_provider',
      jwt_federation_sources: [],
      jwt_federation_providers: [],
    };
  }

  const origin = (request: FastifyRequest) => requestOrigin(ctx, request);

  return async (app) => {
    app.get<{ Querystring: Static<typeof ProviderListQuery> }>(
      '/providers/oauth2/',
      {
        schema: { querystring: ProviderListQuery, response: { 200: Paginated(ProviderBody), ...errors } },
        config: { operationId: 'providers_oauth2_list' },
      },
      async (request) => {
        const q = request.query;
        const { providers, count } = await listOAuth2Providers(ctx.db, {
          ...pageWindow(q),
          filter: {
            name: q.name,
            clientId: q.client_id,
            clientType: q.client_type,
            applicationSlug: q.application,
          },
        });
        const results = [];
        for (const provider of providers) results.push(await present(provider));
        return paginated(q, results, count);
      },
    );

    app.post<{ Body: Static<typeof OAuth2ProviderRequest> }>(
      '/providers/oauth2/',
      {
        schema: { body: OAuth2ProviderRequest, response: { 201: ProviderBody, ...errors } },
        config: { operationId: 'providers_oauth2_create' },
      },
      async (request, reply) => {
        const body = request.body;
        const provider = await ctx.db
          .transaction(async (tx) => {
            await assertValidProvider(tx, body);
            return insertOAuth2Provider(tx, ctx.box, {
              ...providerFields(body),
              name: body.name,
              clientId: body.client_id || newClientId(),
              clientSecret: body.client_secret || newClientSecret(),
            });
          })
          .catch(duplicate);
        request.log.info({ provider: provider.id, client: provider.clientId }, 'oauth2 provider created');
        return reply.code(201).send(await present(provider));
      },
    );

    app.get<{ Params: Static<typeof ProviderId> }>(
      '/providers/oauth2/:id/',
      {
        schema: { params: ProviderId, response: { 200: ProviderBody, ...errors } },
        config: { operationId: 'providers_oauth2_retrieve' },
      },
      async (request) => {
        const provider = await findOAuth2Provider(ctx.db, request.params.id);
        assertThat(provider, notFound);
        return present(provider);
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', OAuth2ProviderRequest, 'providers_oauth2_update'],
      ['PATCH', PatchedOAuth2ProviderRequest, 'providers_oauth2_partial_update'],
    ] as const) {
      app.route<{ Params: Static<typeof ProviderId>; Body: ProviderInput }>({
        method,
        url: '/providers/oauth2/:id/',
        schema: { params: ProviderId, body, response: { 200: ProviderBody, ...errors } },
        config: { operationId },
        handler: async (request) => {
          const provider = await ctx.db
            .transaction(async (tx) => {
              await assertValidProvider(tx, request.body);
              const fields = providerFields(request.body);
              // An empty id or secret means "keep": the admin form sends the field back unchanged or empty.
              if (!fields.clientId) delete fields.clientId;
              if (!fields.clientSecret) delete fields.clientSecret;
              return updateOAuth2Provider(tx, ctx.box, request.params.id, fields);
            })
            .catch(duplicate);
          assertThat(provider, notFound);
          request.log.info({ provider: provider.id }, 'oauth2 provider updated');
          return present(provider);
        },
      });
    }

    app.delete<{ Params: Static<typeof ProviderId> }>(
      '/providers/oauth2/:id/',
      {
        schema: { params: ProviderId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'providers_oauth2_destroy' },
      },
      async (request, reply) => {
        assertThat(await deleteOAuth2Provider(ctx.db, request.params.id), notFound);
        request.log.info({ provider: request.params.id }, 'oauth2 provider deleted');
        return reply.code(204).send();
      },
    );

    // Every provider, whatever its kind (only OAuth2 providers exist so far).
    app.get<{ Querystring: Static<typeof AllProvidersQuery> }>(
      '/providers/all/',
      {
        schema: { querystring: AllProvidersQuery, response: { 200: Paginated(Provider), ...errors } },
        config: { operationId: 'providers_all_list' },
      },
      async (request) => {
        const q = request.query;
        const { providers } = await listOAuth2Providers(ctx.db, {
          ...pageWindow({ page_size: 1000, search: q.search, ordering: q.ordering }),
        });
        const matching = providers.filter(
          (p) =>
            q.application__isnull === undefined || (p.applicationSlug === null) === q.application__isnull,
        );
        const { limit, offset } = pageWindow(q);
        return paginated(q, matching.slice(offset, offset + limit).map(presentProvider), matching.length);
      },
    );

    app.get<{ Params: Static<typeof ProviderId>; Querystring: { for_user?: number } }>(
      '/providers/oauth2/:id/preview_user/',
      {
        schema: {
          params: ProviderId,
          querystring: Type.Object({
            for_user: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
          }),
          response: { 200: Type.Object({ preview: Type.Record(Type.String(), Type.Unknown()) }), ...errors },
        },
        config: { operationId: 'providers_oauth2_preview_user_retrieve' },
      },
      async (request) => {
        const provider = await findOAuth2Provider(ctx.db, request.params.id);
        assertThat(provider, notFound);
        const userId = request.query.for_user ?? request.principal?.user.id;
        const user = userId === undefined ? undefined : await findUserById(ctx.db, userId);
        assertThat(user, () => validationFailed({ for_user: ['User does not exist.'] }));
        // What every scope would release for this user, as the token endpoint computes it.
        return { preview: await userClaims(ctx, user) };
      },
    );

    app.get<{ Params: Static<typeof ProviderId> }>(
      '/providers/oauth2/:id/setup_urls/',
      {
        schema: { params: ProviderId, response: { 200: OAuth2ProviderSetupURLs, ...errors } },
        config: { operationId: 'providers_oauth2_setup_urls_retrieve' },
      },
      async (request) => {
        const provider = await findOAuth2Provider(ctx.db, request.params.id);
        assertThat(provider, notFound);
        const base = `${origin(request)}${OAUTH2_BASE}`;
        // Without an application there is no issuer yet; the reference shows the slug placeholder likewise.
        const slug = provider.applicationSlug ?? '<application slug>';
        return {
          issuer: `${base}/${slug}/`,
          authorize: `${base}/authorize/`,
          token: `${base}/token/`,
          user_info: `${base}/userinfo/`,
          provider_info: `${base}/${slug}/.well-known/openid-configuration`,
          logout: `${base}/${slug}/end-session/`,
          jwks: `${base}/${slug}/jwks/`,
        };
      },
    );
  };
}
