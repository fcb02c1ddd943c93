import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  GenericError,
  Group,
  GroupRequest,
  ListQuery,
  Paginated,
  PatchedGroupRequest,
  UserAccountRequest,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import { assertThat, notFound, uniqueViolation, validationFailed } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import {
  addGroupMember,
  deleteGroup,
  findGroupByUuid,
  findGroupsByUuids,
  type GroupFields,
  insertGroup,
  listGroups,
  removeGroupMember,
  updateGroup,
  wouldCreateCycle,
} from '../../identity/groups-repository.ts';
import { findUserById } from '../../identity/users-repository.ts';
import { presentGroups } from './presenters.ts';
import { parseAttributesFilter } from './users.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const GroupListQuery = Type.Object({
  ...ListQuery,
  name: Type.Optional(Type.String()),
  is_superuser: Type.Optional(Type.Boolean()),
  members_by_username: Type.Optional(Type.Array(Type.String())),
  members_by_pk: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 2147483647 }))),
  attributes: Type.Optional(Type.String({ maxLength: 2000 })),
  include_users: Type.Optional(Type.Boolean({ default: true })),
  include_children: Type.Optional(Type.Boolean()),
  include_parents: Type.Optional(Type.Boolean()),
});

const GroupId = Type.Object({ group_uuid: Type.String({ format: 'uuid' }) });

type GroupBody = Static<typeof PatchedGroupRequest>;

function groupFields(body: GroupBody): GroupFields {
  return {
    name: body.name,
    isSuperuser: body.is_superuser,
    attributes: body.attributes,
    parents: body.parents,
    memberIds: body.users,
  };
}

/** Checks references before writing, so a bad pk or a cycle is a 400 on its field, not a database error. */
async function assertValidRelations(db: Queryable, uuid: string | undefined, body: GroupBody): Promise<void> {
  if (body.parents?.length) {
    const found = new Set((await findGroupsByUuids(db, body.parents)).map((g) => g.uuid));
    const missing = body.parents.filter((p) => !found.has(p));
    assertThat(missing.length === 0, () =>
      validationFailed({ parents: missing.map((p) => `Invalid pk "${p}" - object does not exist.`) }),
    );
    if (uuid) {
      assertThat(!(await wouldCreateCycle(db, uuid, body.parents)), () =>
        validationFailed({ parents: ['A group cannot be its own ancestor.'] }),
      );
    }
  }
  if (body.users?.length) {
    const rows = await db.query<{ id: number }>('SELECT id FROM users WHERE id = ANY($1::int[])', [
      body.users,
    ]);
    const found = new Set(rows.map((r) => r.id));
    const missing = body.users.filter((id) => !found.has(id));
    assertThat(missing.length === 0, () =>
      validationFailed({ users: missing.map((id) => `Invalid pk "${id}" - object does not exist.`) }),
    );
  }
}

function duplicateName(error: unknown): never {
  if (uniqueViolation(error))
    throw validationFailed({ name: ['A group with that name already exists.'] }, 'unique');
  throw error;
}

/** /core/groups/: the admin API for groups, their parents and members. */
export function groupRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof GroupListQuery> }>(
      '/core/groups/',
      {
        schema: { querystring: GroupListQuery, response: { 200: Paginated(Group), ...errors } },
        config: { operationId: 'core_groups_list' },
      },
      async (request) => {
        const q = request.query;
        const { groups, count } = await listGroups(ctx.db, {
          ...pageWindow(q),
          filter: {
            name: q.name,
            isSuperuser: q.is_superuser,
            memberUsernames: q.members_by_username,
            memberIds: q.members_by_pk,
            attributes: parseAttributesFilter(q.attributes),
          },
        });
        return paginated(q, await presentGroups(ctx, ctx.db, groups, q.include_users !== false), count);
      },
    );

    app.post<{ Body: Static<typeof GroupRequest> }>(
      '/core/groups/',
      {
        schema: { body: GroupRequest, response: { 201: Group, ...errors } },
        config: { operationId: 'core_groups_create' },
      },
      async (request, reply) => {
        const group = await ctx.db
          .transaction(async (tx) => {
            await assertValidRelations(tx, undefined, request.body);
            return insertGroup(tx, { ...groupFields(request.body), name: request.body.name });
          })
          .catch(duplicateName);
        request.log.info({ group: group.name, pk: group.uuid }, 'group created');
        const [body] = await presentGroups(ctx, ctx.db, [group]);
        return reply.code(201).send(body);
      },
    );

    app.get<{ Params: Static<typeof GroupId> }>(
      '/core/groups/:group_uuid/',
      {
        schema: { params: GroupId, response: { 200: Group, ...errors } },
        config: { operationId: 'core_groups_retrieve' },
      },
      async (request) => {
        const group = await findGroupByUuid(ctx.db, request.params.group_uuid);
        assertThat(group, notFound);
        const [body] = await presentGroups(ctx, ctx.db, [group]);
        return body;
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', GroupRequest, 'core_groups_update'],
      ['PATCH', PatchedGroupRequest, 'core_groups_partial_update'],
    ] as const) {
      app.route<{ Params: Static<typeof GroupId>; Body: GroupBody }>({
        method,
        url: '/core/groups/:group_uuid/',
        schema: { params: GroupId, body, response: { 200: Group, ...errors } },
        config: { operationId },
        handler: async (request) => {
          const uuid = request.params.group_uuid;
          const group = await ctx.db
            .transaction(async (tx) => {
              assertThat(await findGroupByUuid(tx, uuid), notFound);
              await assertValidRelations(tx, uuid, request.body);
              return updateGroup(tx, uuid, groupFields(request.body));
            })
            .catch(duplicateName);
          assertThat(group, notFound);
          request.log.info({ pk: uuid }, 'group updated');
          const [presented] = await presentGroups(ctx, ctx.db, [group]);
          return presented;
        },
      });
    }

    app.delete<{ Params: Static<typeof GroupId> }>(
      '/core/groups/:group_uuid/',
      {
        schema: { params: GroupId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'core_groups_destroy' },
      },
      async (request, reply) => {
        assertThat(await deleteGroup(ctx.db, request.params.group_uuid), notFound);
        request.log.info({ pk: request.params.group_uuid }, 'group deleted');
        return reply.code(204).send();
      },
    );

    for (const [action, change] of [
      ['add_user', addGroupMember],
      ['remove_user', removeGroupMember],
    ] as const) {
      app.post<{ Params: Static<typeof GroupId>; Body: Static<typeof UserAccountRequest> }>(
        `/core/groups/:group_uuid/${action}/`,
        {
          schema: { params: GroupId, body: UserAccountRequest, response: { 204: Type.Null(), ...errors } },
          config: { operationId: `core_groups_${action}_create` },
        },
        async (request, reply) => {
          const { group_uuid: uuid } = request.params;
          assertThat(await findGroupByUuid(ctx.db, uuid), notFound);
          const user = await findUserById(ctx.db, request.body.pk);
          // The contract answers an unknown user with 404, as it does an unknown group.
          assertThat(user, notFound);
          await change(ctx.db, uuid, user.id);
          request.log.info({ group: uuid, user: user.id, action }, 'group membership changed');
          return reply.code(204).send();
        },
      );
    }
  };
}
