import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  GenericError,
  ListQuery,
  Paginated,
  PatchedPolicyBindingRequest,
  PolicyBinding as BindingBody,
  PolicyBindingRequest,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import { queryOne } from '../../db/database.ts';
import { assertThat, notFound, validationFailed } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { publishChange } from '../../outposts/hub/changes.ts';
import { findGroupByUuid } from '../../identity/groups-repository.ts';
import { findUserById } from '../../identity/users-repository.ts';
import {
  type BindingFields,
  deleteBinding,
  findBinding,
  insertBinding,
  listBindings,
  type PolicyBinding,
  updateBinding,
} from '../../policies/bindings-repository.ts';
import { presentPartialUser } from './presenters.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const BindingListQuery = Type.Object({
  ...ListQuery,
  target: Type.Optional(Type.String({ format: 'uuid' })),
  target_in: Type.Optional(Type.Array(Type.String({ format: 'uuid' }))),
  enabled: Type.Optional(Type.Boolean()),
  order: Type.Optional(Type.Integer()),
  timeout: Type.Optional(Type.Integer()),
  policy__isnull: Type.Optional(Type.Boolean()),
});

const BindingId = Type.Object({ policy_binding_uuid: Type.String({ format: 'uuid' }) });

type BindingInput = Static<typeof PatchedPolicyBindingRequest>;

function bindingFields(body: BindingInput): BindingFields {
  return {
    target: body.target,
    policyUuid: body.policy,
    groupUuid: body.group,
    userId: body.user,
    negate: body.negate,
    enabled: body.enabled,
    order: body.order,
    timeout: body.timeout,
    failureResult: body.failure_result,
  };
}

/** Checks what a binding would be after the change: one subject that exists, on a target that exists. */
async function assertValidBinding(db: Queryable, merged: BindingFields): Promise<void> {
  const subjects = [merged.policyUuid, merged.groupUuid, merged.userId].filter(
    (v) => v !== null && v !== undefined,
  );
  assertThat(subjects.length === 1, () =>
    validationFailed({ non_field_errors: ["Exactly one of 'policy', 'group' or 'user' must be set."] }),
  );
  assertThat(merged.policyUuid === null || merged.policyUuid === undefined, () =>
    validationFailed({ policy: ['Policy objects are not supported yet: bind a group or a user.'] }),
  );
  if (merged.groupUuid) {
    assertThat(await findGroupByUuid(db, merged.groupUuid), () =>
      validationFailed({ group: [`Invalid pk "${merged.groupUuid}" - object does not exist.`] }),
    );
  }
  if (merged.userId) {
    assertThat(await findUserById(db, merged.userId), () =>
      validationFailed({ user: [`Invalid pk "${merged.userId}" - object does not exist.`] }),
    );
  }
  // The bindable objects: applications, RAC endpoints, flows (checked when an attempt starts) and
  // flow-stage bindings (checked on plan or when the stage is reached), as docs/flows.md describes.
  const target = await queryOne(
    db,
    `SELECT 1 FROM applications WHERE pbm_uuid = $1 UNION ALL SELECT 1 FROM rac_endpoints WHERE pbm_uuid = $1
     UNION ALL SELECT 1 FROM flows WHERE uuid = $1 UNION ALL SELECT 1 FROM flow_stage_bindings WHERE uuid = $1
     LIMIT 1`,
    [merged.target],
  );
  assertThat(target, () =>
    validationFailed({ target: [`Invalid pk "${merged.target}" - object does not exist.`] }),
  );
}

/** /policies/bindings/: which users and groups may use an application. */
export function policyBindingRoutes(ctx: AppContext): FastifyPluginAsync {
  async function present(binding: PolicyBinding): Promise<Static<typeof BindingBody>> {
    const group = binding.groupUuid ? await findGroupByUuid(ctx.db, binding.groupUuid) : undefined;
    const user = binding.userId ? await findUserById(ctx.db, binding.userId) : undefined;
    return {
      pk: binding.uuid,
      policy: binding.policyUuid,
      group: binding.groupUuid,
      user: binding.userId,
      policy_obj: null,
      group_obj: group
        ? {
            pk: group.uuid,
            num_pk: group.numPk,
            name: group.name,
            is_superuser: group.isSuperuser,
            attributes: group.attributes,
          }
        : null,
      user_obj: user ? presentPartialUser(ctx, user) : null,
      target: binding.target,
      negate: binding.negate,
      enabled: binding.enabled,
      order: binding.order,
      timeout: binding.timeout,
      failure_result: binding.failureResult,
    };
  }

  return async (app) => {
    app.get<{ Querystring: Static<typeof BindingListQuery> }>(
      '/policies/bindings/',
      {
        schema: { querystring: BindingListQuery, response: { 200: Paginated(BindingBody), ...errors } },
        config: { operationId: 'policies_bindings_list' },
      },
      async (request) => {
        const q = request.query;
        const { bindings, count } = await listBindings(ctx.db, {
          ...pageWindow(q),
          filter: {
            target: q.target,
            targets: q.target_in,
            enabled: q.enabled,
            order: q.order,
            timeout: q.timeout,
            policyIsNull: q.policy__isnull,
          },
        });
        const results = [];
        for (const binding of bindings) results.push(await present(binding));
        return paginated(q, results, count);
      },
    );

    app.post<{ Body: Static<typeof PolicyBindingRequest> }>(
      '/policies/bindings/',
      {
        schema: { body: PolicyBindingRequest, response: { 201: BindingBody, ...errors } },
        config: { operationId: 'policies_bindings_create' },
      },
      async (request, reply) => {
        const fields = bindingFields(request.body);
        const binding = await ctx.db.transaction(async (tx) => {
          await assertValidBinding(tx, fields);
          const inserted = await insertBinding(tx, {
            ...fields,
            target: request.body.target,
            order: request.body.order,
          });
          await publishChange({ db: tx }, { model: 'application', pk: inserted.target });
          return inserted;
        });
        request.log.info({ binding: binding.uuid, target: binding.target }, 'policy binding created');
        return reply.code(201).send(await present(binding));
      },
    );

    app.get<{ Params: Static<typeof BindingId> }>(
      '/policies/bindings/:policy_binding_uuid/',
      {
        schema: { params: BindingId, response: { 200: BindingBody, ...errors } },
        config: { operationId: 'policies_bindings_retrieve' },
      },
      async (request) => {
        const binding = await findBinding(ctx.db, request.params.policy_binding_uuid);
        assertThat(binding, notFound);
        return present(binding);
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', PolicyBindingRequest, 'policies_bindings_update'],
      ['PATCH', PatchedPolicyBindingRequest, 'policies_bindings_partial_update'],
    ] as const) {
      app.route<{ Params: Static<typeof BindingId>; Body: BindingInput }>({
        method,
        url: '/policies/bindings/:policy_binding_uuid/',
        schema: { params: BindingId, body, response: { 200: BindingBody, ...errors } },
        config: { operationId },
        handler: async (request) => {
          const uuid = request.params.policy_binding_uuid;
          const updated = await ctx.db.transaction(async (tx) => {
            const current = await findBinding(tx, uuid);
            assertThat(current, notFound);
            const changes = bindingFields(request.body);
            // PUT replaces the subject: fields it leaves out are cleared, as a full update should.
            const subject = method === 'PUT' ? { policyUuid: null, groupUuid: null, userId: null } : {};
            const merged = { ...current, ...subject, ...stripUndefined(changes) };
            await assertValidBinding(tx, merged);
            const updated = await updateBinding(tx, uuid, { ...subject, ...changes });
            // The binding may have moved to another application: both hear.
            const targets = new Set([current.target, updated?.target ?? current.target]);
            await publishChange(
              { db: tx },
              ...[...targets].map((pk) => ({ model: 'application', pk }) as const),
            );
            return updated;
          });
          assertThat(updated, notFound);
          request.log.info({ binding: uuid }, 'policy binding updated');
          return present(updated);
        },
      });
    }

    app.delete<{ Params: Static<typeof BindingId> }>(
      '/policies/bindings/:policy_binding_uuid/',
      {
        schema: { params: BindingId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'policies_bindings_destroy' },
      },
      async (request, reply) => {
        const deleted = await ctx.db.transaction(async (tx) => {
          const current = await findBinding(tx, request.params.policy_binding_uuid);
          if (current) await publishChange({ db: tx }, { model: 'application', pk: current.target });
          return deleteBinding(tx, request.params.policy_binding_uuid);
        });
        assertThat(deleted, notFound);
        request.log.info({ binding: request.params.policy_binding_uuid }, 'policy binding deleted');
        return reply.code(204).send();
      },
    );
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
