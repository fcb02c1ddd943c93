import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  GenericError,
  ListQuery,
  Paginated,
  PatchedRACConnectionTokenRequest,
  RACConnectionToken as TokenBody,
  RACConnectionTokenRequest,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import { ApiError, assertThat, notFound, validationFailed } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { findRacEndpoint, type RacEndpoint } from '../../rac/endpoints-repository.ts';
import {
  deleteRacConnectionToken,
  findRacConnectionToken,
  listRacConnectionTokens,
  type RacConnectionToken,
  updateRacConnectionToken,
} from '../../rac/tokens-repository.ts';
import { presentRacConnectionTokens } from './rac-presenters.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const TokenListQuery = Type.Object({
  ...ListQuery,
  endpoint: Type.Optional(Type.String({ format: 'uuid' })),
  provider: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
  session__user: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
});
const TokenId = Type.Object({ connection_token_uuid: Type.String({ format: 'uuid' }) });
type TokenInput = Static<typeof PatchedRACConnectionTokenRequest>;

async function present(ctx: AppContext, db: Queryable, tokens: RacConnectionToken[]) {
  const endpoints = new Map<string, RacEndpoint>();
  for (const uuid of new Set(tokens.map((t) => t.endpointUuid))) {
    const endpoint = await findRacEndpoint(db, uuid);
    if (endpoint) endpoints.set(uuid, endpoint);
  }
  return presentRacConnectionTokens(ctx, db, tokens, endpoints);
}

async function presentOne(ctx: AppContext, token: RacConnectionToken) {
  const [presented] = await present(ctx, ctx.db, [token]);
  if (!presented) throw new ApiError('not_found');
  return presented;
}

/** The endpoint a token would point at must exist and belong to the provider it would name. */
async function assertConsistent(db: Queryable, current: RacConnectionToken, body: TokenInput) {
  const endpointUuid = body.endpoint ?? current.endpointUuid;
  const providerId = body.provider ?? current.providerId;
  const endpoint = await findRacEndpoint(db, endpointUuid);
  assertThat(endpoint, () =>
    validationFailed({ endpoint: [`Invalid pk "${endpointUuid}" - object does not exist.`] }),
  );
  assertThat(endpoint.providerId === providerId, () =>
    validationFailed({ provider: ['The endpoint does not belong to this provider.'] }),
  );
}

/**
 * /rac/connection_tokens/: the admin's view of live and expired launches. Tokens are made only by a launch
 * (there is no create); deleting one closes its connection within a second.
 */
export function racConnectionTokenRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof TokenListQuery> }>(
      '/rac/connection_tokens/',
      {
        schema: { querystring: TokenListQuery, response: { 200: Paginated(TokenBody), ...errors } },
        config: { operationId: 'rac_connection_tokens_list' },
      },
      async (request) => {
        const q = request.query;
        const { tokens, count } = await listRacConnectionTokens(ctx.db, {
          ...pageWindow(q),
          filter: { endpointUuid: q.endpoint, providerId: q.provider, userId: q.session__user },
        });
        return paginated(q, await present(ctx, ctx.db, tokens), count);
      },
    );

    app.get<{ Params: Static<typeof TokenId> }>(
      '/rac/connection_tokens/:connection_token_uuid/',
      {
        schema: { params: TokenId, response: { 200: TokenBody, ...errors } },
        config: { operationId: 'rac_connection_tokens_retrieve' },
      },
      async (request) => {
        const token = await findRacConnectionToken(ctx.db, request.params.connection_token_uuid);
        assertThat(token, notFound);
        return presentOne(ctx, token);
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', RACConnectionTokenRequest, 'rac_connection_tokens_update'],
      ['PATCH', PatchedRACConnectionTokenRequest, 'rac_connection_tokens_partial_update'],
    ] as const) {
      app.route<{ Params: Static<typeof TokenId>; Body: TokenInput }>({
        method,
        url: '/rac/connection_tokens/:connection_token_uuid/',
        schema: { params: TokenId, body, response: { 200: TokenBody, ...errors } },
        config: { operationId },
        handler: async (request) => {
          const token = await ctx.db.transaction(async (tx) => {
            const current = await findRacConnectionToken(tx, request.params.connection_token_uuid);
            assertThat(current, notFound);
            await assertConsistent(tx, current, request.body);
            return updateRacConnectionToken(tx, current.uuid, {
              providerId: request.body.provider,
              endpointUuid: request.body.endpoint,
            });
          });
          assertThat(token, notFound);
          request.log.info({ token: token.uuid }, 'rac connection token updated');
          return presentOne(ctx, token);
        },
      });
    }

    app.delete<{ Params: Static<typeof TokenId> }>(
      '/rac/connection_tokens/:connection_token_uuid/',
      {
        schema: { params: TokenId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'rac_connection_tokens_destroy' },
      },
      async (request, reply) => {
        const deleted = await deleteRacConnectionToken(ctx.db, request.params.connection_token_uuid);
        assertThat(deleted, notFound);
        request.log.info({ token: request.params.connection_token_uuid }, 'rac connection token deleted');
        return reply.code(204).send();
      },
    );
  };
}
