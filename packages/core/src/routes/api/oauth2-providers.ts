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
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import { assertThat, notFound, validationFailed } from '../../http/api-error.ts';
import { publicOrigin } from '../../http/origin.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { findUserById } from '../../identity/users-repository.ts';
import { subjectFor, userClaims } from '../../oauth2/claims.ts';
import { applicationEndpoints } from '../../oauth2/endpoints.ts';
import {
  deleteOAuth2Provider,
  findOAuth2Provider,
  insertOAuth2Provider,
  listOAuth2Providers,
  newClientId,
  newClientSecret,
  type OAuth2Provider,
  type OAuth2ProviderFields,
  revealClientSecret,
  updateOAuth2Provider,
} from '../../oauth2/providers-repository.ts';
import { redirectPatternProblem } from '../../oauth2/redirect-uris.ts';
import { signingKeyProblem } from '../../oauth2/signing-keys.ts';
import {
  addProblem,
  commonProviderProblems,
  rethrowDuplicate,
  validityProblems,
} from '../../providers/validate.ts';
import { keepProxyClientInStep } from '../../proxy/oauth2-client.ts';
import { presentProvider } from './provider-kinds.ts';
import { publishChange } from '../../outposts/hub/changes.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const ProviderListQuery = Type.Object({
  ...ListQuery,
  name: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String()),
  client_type: Type.Optional(Type.String()),
  application: Type.Optional(Type.String()),
});
const ProviderId = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

type ProviderInput = Static<typeof PatchedOAuth2ProviderRequest>;

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
    signingKey: body.signing_key,
  };
}

/** Checks what JSON Schema cannot: durations, flows of the right kind, redirect URIs, secrets. */
async function assertValidProvider(ctx: AppContext, db: Queryable, body: ProviderInput): Promise<void> {
  const problems = await commonProviderProblems(db, body);
  const signingProblem = body.signing_key ? await signingKeyProblem(ctx, db, body.signing_key) : undefined;
  if (signingProblem) problems.signing_key = [signingProblem];
  validityProblems(
    body,
    ['access_code_validity', 'access_token_validity', 'refresh_token_validity'],
    problems,
  );
  if (
    body.refresh_token_threshold !== undefined &&
    !/^(\s*\w+=\d+(\.\d+)?\s*;?)+$/.test(body.refresh_token_threshold)
  ) {
    addProblem(problems, 'refresh_token_threshold', 'Use the format hours=1;minutes=2;seconds=3.');
  }
  for (const [i, uri] of (body.redirect_uris ?? []).entries()) {
    if (uri.matching_mode === 'strict' && !URL.canParse(uri.url)) {
      addProblem(problems, 'redirect_uris', `Entry ${i}: ${uri.url} is not a URL.`);
    }
    const patternProblem = uri.matching_mode === 'regex' ? redirectPatternProblem(uri.url) : undefined;
    if (patternProblem) addProblem(problems, 'redirect_uris', `Entry ${i}: ${patternProblem}`);
  }
  if (body.client_secret !== undefined && body.client_secret !== '' && body.client_secret.length < 16) {
    addProblem(problems, 'client_secret', 'A client secret needs at least 16 characters.');
  }
  assertThat(Object.keys(problems).length === 0, () => validationFailed(problems));
}

/**
 * /providers/oauth2/: the admin API for OAuth2/OpenID providers. Proxy providers are OAuth2 providers too
 * (their outposts' clients) and are listed here as the reference lists them; a change made to one here is
 * followed by putting its client back in step with its proxy settings.
 */
export function oauth2ProviderRoutes(ctx: AppContext): FastifyPluginAsync {
  async function present(provider: OAuth2Provider): Promise<Static<typeof ProviderBody>> {
    return {
      ...presentProvider(provider, 'oauth2'),
      client_type: provider.clientType,
      client_id: provider.clientId,
      client_secret: (await revealClientSecret(ctx.db, ctx.box, provider.id)) ?? '',
      access_code_validity: provider.accessCodeValidity,
      access_token_validity: provider.accessTokenValidity,
      refresh_token_validity: provider.refreshTokenValidity,
      refresh_token_threshold: provider.refreshTokenThreshold,
      include_claims_in_id_token: provider.includeClaimsInIdToken,
      signing_key: provider.signingKey,
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
            await assertValidProvider(ctx, tx, body);
            return insertOAuth2Provider(tx, ctx.box, {
              ...providerFields(body),
              name: body.name,
              clientId: body.client_id || newClientId(),
              clientSecret: body.client_secret || newClientSecret(),
            });
          })
          .catch(rethrowDuplicate);
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
              await assertValidProvider(ctx, tx, request.body);
              const fields = providerFields(request.body);
              // An empty id or secret means "keep": the admin form sends the field back unchanged or empty.
              if (!fields.clientId) delete fields.clientId;
              if (!fields.clientSecret) delete fields.clientSecret;
              const updated = await updateOAuth2Provider(tx, ctx.box, request.params.id, fields);
              // Announced on commit to the outposts that serve the provider.
              if (updated) await publishChange({ db: tx }, { model: 'provider', pk: updated.id });
              if (updated && (await keepProxyClientInStep(tx, updated.id)))
                return findOAuth2Provider(tx, updated.id);
              return updated;
            })
            .catch(rethrowDuplicate);
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
        const deleted = await ctx.db.transaction(async (tx) => {
          // Resolved before the delete cascades away the provider's outpost links; announced on commit.
          await publishChange({ db: tx }, { model: 'provider', pk: request.params.id });
          return deleteOAuth2Provider(tx, request.params.id);
        });
        assertThat(deleted, notFound);
        request.log.info({ provider: request.params.id }, 'oauth2 provider deleted');
        return reply.code(204).send();
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
        return {
          preview: {
            ...(await userClaims(ctx, user)),
            sub: subjectFor(ctx.installId, user, provider.subMode),
          },
        };
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
        // Without an application there is no issuer yet; the reference shows the slug placeholder likewise.
        const urls = applicationEndpoints(
          publicOrigin(ctx, request),
          provider.applicationSlug ?? '<application slug>',
        );
        return {
          issuer: urls.issuer,
          authorize: urls.authorize,
          token: urls.token,
          user_info: urls.userinfo,
          provider_info: urls.discovery,
          logout: urls.endSession,
          jwks: urls.jwks,
        };
      },
    );
  };
}
