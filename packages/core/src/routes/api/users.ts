import { Type } from '@sinclair/typebox';
import {
  GenericError,
  ListQuery,
  Paginated,
  PatchedUserRequest,
  User,
  UserPasswordSetRequest,
  UserRequest,
  UserServiceAccountRequest,
  UserServiceAccountResponse,
  ValidationError,
} from '@palisade/schema';
import type { Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import { assertThat, notFound, uniqueViolation, validationFailed } from '../../http/api-error.ts';
import { isJsonTooDeep, nestingTooDeep } from '../../http/json-depth.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { findGroupsByUuids, insertGroup } from '../../identity/groups-repository.ts';
import { hashPassword } from '../../identity/passwords.ts';
import { randomSecret } from '../../identity/secret-box.ts';
import { insertToken } from '../../identity/tokens-repository.ts';
import {
  deleteUser,
  findUserById,
  insertUser,
  listUsers,
  type NewUser,
  updatePasswordHash,
  updateUser,
  type UserType,
} from '../../identity/users-repository.ts';
import { endUserSessions } from '../../sessions/end-session.ts';
import { presentUser, presentUsers, userUid } from './presenters.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const UserListQuery = Type.Object({
  ...ListQuery,
  username: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  is_active: Type.Optional(Type.Boolean()),
  is_superuser: Type.Optional(Type.Boolean()),
  path: Type.Optional(Type.String()),
  path_startswith: Type.Optional(Type.String()),
  type: Type.Optional(Type.Array(Type.String())),
  uuid: Type.Optional(Type.String({ format: 'uuid' })),
  groups_by_name: Type.Optional(Type.Array(Type.String())),
  groups_by_pk: Type.Optional(Type.Array(Type.String({ format: 'uuid' }))),
  attributes: Type.Optional(Type.String({ maxLength: 2000 })),
  last_login__isnull: Type.Optional(Type.Boolean()),
});

const UserId = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

/** Parses the `attributes` filter: a JSON object the user's attributes must contain. */
export function parseAttributesFilter(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  if (isJsonTooDeep(raw)) throw nestingTooDeep('attributes');
  try {
    const value: unknown = JSON.parse(raw);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw validationFailed({ attributes: ['Must be a JSON object.'] });
}

/** Maps a unique violation on users to the field error the contract shows. */
function duplicateUsername(error: unknown): never {
  if (uniqueViolation(error))
    throw validationFailed({ username: ['A user with that username already exists.'] }, 'unique');
  throw error;
}

/** Checks that every group uuid exists, so a typo is a 400 on `groups`, not a foreign-key 500. */
async function assertGroupsExist(db: Queryable, uuids: readonly string[] | undefined): Promise<void> {
  if (!uuids?.length) return;
  const found = new Set((await findGroupsByUuids(db, uuids)).map((g) => g.uuid));
  const missing = uuids.filter((uuid) => !found.has(uuid));
  assertThat(missing.length === 0, () =>
    validationFailed({ groups: missing.map((uuid) => `Invalid pk "${uuid}" - object does not exist.`) }),
  );
}

async function replaceMemberships(db: Queryable, userId: number, groups: readonly string[]): Promise<void> {
  await db.query('DELETE FROM group_members WHERE user_id = $1', [userId]);
  await db.query(
    'INSERT INTO group_members (group_uuid, user_id) SELECT g, $1 FROM unnest($2::uuid[]) AS g ON CONFLICT DO NOTHING',
    [userId, [...groups]],
  );
}

type UserBody = Static<typeof PatchedUserRequest>;

function userFields(body: UserBody): Partial<NewUser> {
  return {
    username: body.username,
    name: body.name,
    email: body.email,
    isActive: body.is_active,
    type: body.type as UserType | undefined,
    path: body.path,
    attributes: body.attributes,
    lastLogin:
      body.last_login === undefined ? undefined : body.last_login === null ? null : new Date(body.last_login),
  };
}

/** /core/users/: the admin API for user accounts. */
export function userRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof UserListQuery> }>(
      '/core/users/',
      {
        schema: { querystring: UserListQuery, response: { 200: Paginated(User), ...errors } },
        config: { operationId: 'core_users_list' },
      },
      async (request) => {
        const q = request.query;
        const { users, count } = await listUsers(ctx.db, {
          ...pageWindow(q),
          filter: {
            username: q.username,
            name: q.name,
            email: q.email,
            isActive: q.is_active,
            isSuperuser: q.is_superuser,
            path: q.path,
            pathStartsWith: q.path_startswith,
            types: q.type,
            uuid: q.uuid,
            groupNames: q.groups_by_name,
            groupUuids: q.groups_by_pk,
            attributes: parseAttributesFilter(q.attributes),
            lastLoginIsNull: q.last_login__isnull,
          },
        });
        return paginated(q, await presentUsers(ctx, ctx.db, users), count);
      },
    );

    app.post<{ Body: Static<typeof UserRequest> }>(
      '/core/users/',
      {
        schema: { body: UserRequest, response: { 201: User, ...errors } },
        config: { operationId: 'core_users_create' },
      },
      async (request, reply) => {
        const body = request.body;
        const user = await ctx.db
          .transaction(async (tx) => {
            await assertGroupsExist(tx, body.groups);
            const created = await insertUser(tx, { ...userFields(body), username: body.username });
            if (body.groups) await replaceMemberships(tx, created.id, body.groups);
            return (await findUserById(tx, created.id)) ?? created;
          })
          .catch(duplicateUsername);
        request.log.info({ user: user.username, pk: user.id }, 'user created');
        return reply.code(201).send(await presentUser(ctx, ctx.db, user));
      },
    );

    app.get<{ Params: Static<typeof UserId> }>(
      '/core/users/:id/',
      {
        schema: { params: UserId, response: { 200: User, ...errors } },
        config: { operationId: 'core_users_retrieve' },
      },
      async (request) => {
        const user = await findUserById(ctx.db, request.params.id);
        assertThat(user, notFound);
        return presentUser(ctx, ctx.db, user);
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', UserRequest, 'core_users_update'],
      ['PATCH', PatchedUserRequest, 'core_users_partial_update'],
    ] as const) {
      app.route<{ Params: Static<typeof UserId>; Body: UserBody }>({
        method,
        url: '/core/users/:id/',
        schema: { params: UserId, body, response: { 200: User, ...errors } },
        config: { operationId },
        handler: async (request) => {
          const { id } = request.params;
          const user = await ctx.db
            .transaction(async (tx) => {
              await assertGroupsExist(tx, request.body.groups);
              const updated = await updateUser(tx, id, userFields(request.body));
              assertThat(updated, notFound);
              if (request.body.groups) await replaceMemberships(tx, id, request.body.groups);
              return (await findUserById(tx, id)) ?? updated;
            })
            .catch(duplicateUsername);
          // Deactivating an account ends its sessions, and what was issued under them, at once.
          if (request.body.is_active === false) await endUserSessions(ctx, id);
          request.log.info({ pk: id }, 'user updated');
          return presentUser(ctx, ctx.db, user);
        },
      });
    }

    app.delete<{ Params: Static<typeof UserId> }>(
      '/core/users/:id/',
      {
        schema: { params: UserId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'core_users_destroy' },
      },
      async (request, reply) => {
        assertThat(request.principal?.user.id !== request.params.id, () =>
          validationFailed({ non_field_errors: ['You cannot delete your own account.'] }),
        );
        assertThat(await deleteUser(ctx.db, request.params.id), notFound);
        request.log.info({ pk: request.params.id }, 'user deleted');
        return reply.code(204).send();
      },
    );

    app.post<{ Params: Static<typeof UserId>; Body: Static<typeof UserPasswordSetRequest> }>(
      '/core/users/:id/set_password/',
      {
        schema: { params: UserId, body: UserPasswordSetRequest, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'core_users_set_password_create' },
      },
      async (request, reply) => {
        const hash = await hashPassword(request.body.password);
        assertThat(await updatePasswordHash(ctx.db, request.params.id, hash), notFound);
        request.log.info({ pk: request.params.id }, 'password set by an administrator');
        return reply.code(204).send();
      },
    );

    app.post<{ Body: Static<typeof UserServiceAccountRequest> }>(
      '/core/users/service_account/',
      {
        schema: {
          body: UserServiceAccountRequest,
          response: { 200: UserServiceAccountResponse, ...errors },
        },
        config: { operationId: 'core_users_service_account_create' },
      },
      async (request) => {
        const { name, create_group: createGroup = false, expiring = true, expires } = request.body;
        const key = randomSecret();
        const result = await ctx.db
          .transaction(async (tx) => {
            const user = await insertUser(tx, {
              username: name,
              name,
              type: 'service_account',
              path: 'users/service-accounts',
            });
            let groupPk: string | undefined;
            if (createGroup) {
              const group = await insertGroup(tx, { name, memberIds: [user.id] }).catch((error: unknown) => {
                if (uniqueViolation(error))
                  throw validationFailed({ name: ['A group with that name already exists.'] }, 'unique');
                throw error;
              });
              groupPk = group.uuid;
            }
            await insertToken(tx, ctx.box, {
              identifier: `service-account-${name}-password`.replace(/[^-a-zA-Z0-9_]/g, '-'),
              intent: 'app_password',
              userId: user.id,
              key,
              expiring,
              // The reference gives service-account passwords a year when no expiry is asked for.
              expires: expiring ? new Date(expires ?? Date.now() + 365 * 24 * 3600 * 1000) : null,
              description: `Password for service account ${name}`,
            });
            return { user, groupPk };
          })
          .catch((error: unknown) => {
            if (uniqueViolation(error))
              throw validationFailed({ name: ['A user with that username already exists.'] }, 'unique');
            throw error;
          });
        request.log.info({ user: name, pk: result.user.id }, 'service account created');
        return {
          username: result.user.username,
          token: key,
          user_uid: userUid(ctx, result.user.id),
          user_pk: result.user.id,
          ...(result.groupPk ? { group_pk: result.groupPk } : {}),
        };
      },
    );
  };
}
