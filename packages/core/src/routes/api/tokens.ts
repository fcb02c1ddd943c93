import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  GenericError,
  ListQuery,
  Paginated,
  PatchedTokenRequest,
  Token,
  TokenRequest,
  TokenSetKeyRequest,
  TokenView,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import { assertThat, notFound, uniqueViolation, validationFailed } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { randomSecret } from '../../identity/secret-box.ts';
import {
  deleteToken,
  findTokenByIdentifier,
  insertToken,
  listTokens,
  revealTokenKey,
  setTokenKey,
  type TokenChanges,
  type TokenIntent,
  updateToken,
} from '../../identity/tokens-repository.ts';
import { findUserById } from '../../identity/users-repository.ts';
import { presentToken } from './presenters.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const TokenListQuery = Type.Object({
  ...ListQuery,
  identifier: Type.Optional(Type.String()),
  intent: Type.Optional(
    Type.Union(['api', 'app_password', 'recovery', 'verification'].map((i) => Type.Literal(i))),
  ),
  description: Type.Optional(Type.String()),
  expiring: Type.Optional(Type.Boolean()),
  managed: Type.Optional(Type.String()),
  user__username: Type.Optional(Type.String()),
});

const TokenId = Type.Object({ identifier: Type.String({ minLength: 1, maxLength: 255 }) });

type TokenBody = Static<typeof PatchedTokenRequest>;

function tokenChanges(body: TokenBody): TokenChanges {
  return {
    identifier: body.identifier,
    intent: body.intent as TokenIntent | undefined,
    userId: body.user,
    description: body.description,
    expiring: body.expiring,
    expires: body.expires === undefined ? undefined : body.expires === null ? null : new Date(body.expires),
    managed: body.managed,
  };
}

async function assertUserExists(db: Queryable, userId: number | undefined): Promise<void> {
  if (userId === undefined) return;
  assertThat(await findUserById(db, userId), () =>
    validationFailed({ user: [`Invalid pk "${userId}" - object does not exist.`] }),
  );
}

function duplicate(error: unknown): never {
  if (uniqueViolation(error)) {
    throw validationFailed({ identifier: ['A token with this identifier already exists.'] }, 'unique');
  }
  throw error;
}

/**
 * /core/tokens/: the admin API for tokens. Keys are generated here when not given, kept only as a digest
 * (for lookup) and a sealed copy (for view_key), and never logged.
 */
export function tokenRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof TokenListQuery> }>(
      '/core/tokens/',
      {
        schema: { querystring: TokenListQuery, response: { 200: Paginated(Token), ...errors } },
        config: { operationId: 'core_tokens_list' },
      },
      async (request) => {
        const q = request.query;
        const { tokens, count } = await listTokens(ctx.db, {
          ...pageWindow(q),
          filter: {
            identifier: q.identifier,
            intent: q.intent as TokenIntent | undefined,
            description: q.description,
            expiring: q.expiring,
            managed: q.managed,
            username: q.user__username,
          },
        });
        const results = [];
        for (const token of tokens) results.push(await presentToken(ctx, ctx.db, token));
        return paginated(q, results, count);
      },
    );

    app.post<{ Body: Static<typeof TokenRequest> }>(
      '/core/tokens/',
      {
        schema: { body: TokenRequest, response: { 201: Token, ...errors } },
        config: { operationId: 'core_tokens_create' },
      },
      async (request, reply) => {
        const body = request.body;
        // Without a user, the token belongs to the caller, as in the reference.
        const userId = body.user ?? request.principal?.user.id;
        assertThat(userId !== undefined, () => validationFailed({ user: ['This field is required.'] }));
        const expiring = body.expiring ?? true;
        const token = await ctx.db
          .transaction(async (tx) => {
            await assertUserExists(tx, userId);
            return insertToken(tx, ctx.box, {
              identifier: body.identifier,
              intent: (body.intent ?? 'verification') as TokenIntent,
              userId,
              key: randomSecret(),
              description: body.description ?? '',
              expiring,
              // An expiring token without an expiry gets the reference's default of 30 minutes.
              expires: body.expires
                ? new Date(body.expires)
                : expiring
                  ? new Date(Date.now() + 30 * 60_000)
                  : null,
              managed: body.managed ?? null,
            });
          })
          .catch(duplicate);
        request.log.info(
          { token: token.identifier, intent: token.intent, user: token.userId },
          'token created',
        );
        return reply.code(201).send(await presentToken(ctx, ctx.db, token));
      },
    );

    app.get<{ Params: Static<typeof TokenId> }>(
      '/core/tokens/:identifier/',
      {
        schema: { params: TokenId, response: { 200: Token, ...errors } },
        config: { operationId: 'core_tokens_retrieve' },
      },
      async (request) => {
        const token = await findTokenByIdentifier(ctx.db, request.params.identifier);
        assertThat(token, notFound);
        return presentToken(ctx, ctx.db, token);
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', TokenRequest, 'core_tokens_update'],
      ['PATCH', PatchedTokenRequest, 'core_tokens_partial_update'],
    ] as const) {
      app.route<{ Params: Static<typeof TokenId>; Body: TokenBody }>({
        method,
        url: '/core/tokens/:identifier/',
        schema: { params: TokenId, body, response: { 200: Token, ...errors } },
        config: { operationId },
        handler: async (request) => {
          const token = await ctx.db
            .transaction(async (tx) => {
              await assertUserExists(tx, request.body.user);
              return updateToken(tx, request.params.identifier, tokenChanges(request.body));
            })
            .catch(duplicate);
          assertThat(token, notFound);
          request.log.info({ token: token.identifier }, 'token updated');
          return presentToken(ctx, ctx.db, token);
        },
      });
    }

    app.delete<{ Params: Static<typeof TokenId> }>(
      '/core/tokens/:identifier/',
      {
        schema: { params: TokenId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'core_tokens_destroy' },
      },
      async (request, reply) => {
        assertThat(await deleteToken(ctx.db, request.params.identifier), notFound);
        request.log.info({ token: request.params.identifier }, 'token deleted');
        return reply.code(204).send();
      },
    );

    app.get<{ Params: Static<typeof TokenId> }>(
      '/core/tokens/:identifier/view_key/',
      {
        schema: { params: TokenId, response: { 200: TokenView, ...errors } },
        config: { operationId: 'core_tokens_view_key_retrieve' },
      },
      async (request) => {
        const key = await revealTokenKey(ctx.db, ctx.box, request.params.identifier);
        assertThat(key !== undefined, notFound);
        request.log.info({ token: request.params.identifier }, 'token key viewed');
        return { key };
      },
    );

    app.post<{ Params: Static<typeof TokenId>; Body: Static<typeof TokenSetKeyRequest> }>(
      '/core/tokens/:identifier/set_key/',
      {
        schema: { params: TokenId, body: TokenSetKeyRequest, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'core_tokens_set_key_create' },
      },
      async (request, reply) => {
        const changed = await setTokenKey(ctx.db, ctx.box, request.params.identifier, request.body.key).catch(
          (error: unknown) => {
            if (uniqueViolation(error))
              throw validationFailed({ key: ['This key is already in use.'] }, 'unique');
            throw error;
          },
        );
        assertThat(changed, notFound);
        request.log.info({ token: request.params.identifier }, 'token key set');
        return reply.code(204).send();
      },
    );
  };
}
