import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  FlowStageBinding,
  FlowStageBindingRequest,
  GenericError,
  ListQuery,
  Paginated,
  PatchedFlowStageBindingRequest,
  UsedBy,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import { assertThat, notFound, validationFailed } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { findFlow } from '../../flows/flows-repository.ts';
import {
  deleteStageBinding,
  findStageBinding,
  insertStageBinding,
  listStageBindings,
  type StageBinding,
  type StageBindingFields,
  updateStageBinding,
} from '../../flows/stage-bindings-repository.ts';
import { findStage } from '../../flows/stages-repository.ts';
import { usedByStageBinding } from '../../flows/used-by.ts';
import { publishChange } from '../../outposts/hub/changes.ts';
import { presentStages } from './flow-presenters.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const BindingListQuery = Type.Object({
  ...ListQuery,
  target: Type.Optional(Type.String({ format: 'uuid' })),
  stage: Type.Optional(Type.String({ format: 'uuid' })),
  fsb_uuid: Type.Optional(Type.String({ format: 'uuid' })),
  order: Type.Optional(Type.Integer()),
});

const BindingId = Type.Object({ fsb_uuid: Type.String({ format: 'uuid' }) });

type BindingInput = Static<typeof PatchedFlowStageBindingRequest>;

function bindingFields(body: BindingInput): StageBindingFields {
  return {
    flowUuid: body.target,
    stageUuid: body.stage,
    order: body.order,
    evaluateOnPlan: body.evaluate_on_plan,
    reEvaluatePolicies: body.re_evaluate_policies,
    policyEngineMode: body.policy_engine_mode,
    invalidResponseAction: body.invalid_response_action,
  };
}

/** Checks that the binding's flow and stage exist, so a typo is a 400 on the field, not a foreign-key 500. */
async function assertReferences(db: Queryable, fields: StageBindingFields): Promise<void> {
  const problems: Record<string, string[]> = {};
  if (fields.flowUuid && !(await findFlow(db, fields.flowUuid)))
    problems.target = [`Invalid pk "${fields.flowUuid}" - object does not exist.`];
  if (fields.stageUuid && !(await findStage(db, fields.stageUuid)))
    problems.stage = [`Invalid pk "${fields.stageUuid}" - object does not exist.`];
  assertThat(Object.keys(problems).length === 0, () => validationFailed(problems));
}

/** /flows/bindings/: which stages a flow runs, in which order, under which policies. */
export function flowBindingRoutes(ctx: AppContext): FastifyPluginAsync {
  async function present(binding: StageBinding): Promise<Static<typeof FlowStageBinding>> {
    const stage = await findStage(ctx.db, binding.stageUuid);
    const [stageObj] = stage ? await presentStages(ctx, [stage]) : [];
    if (!stageObj) throw new Error('binding without its stage');
    return {
      pk: binding.uuid,
      policybindingmodel_ptr_id: binding.uuid,
      target: binding.flowUuid,
      stage: binding.stageUuid,
      stage_obj: stageObj,
      evaluate_on_plan: binding.evaluateOnPlan,
      re_evaluate_policies: binding.reEvaluatePolicies,
      order: binding.order,
      policy_engine_mode: binding.policyEngineMode,
      invalid_response_action: binding.invalidResponseAction,
    };
  }

  return async (app) => {
    app.get<{ Querystring: Static<typeof BindingListQuery> }>(
      '/flows/bindings/',
      {
        schema: { querystring: BindingListQuery, response: { 200: Paginated(FlowStageBinding), ...errors } },
        config: { operationId: 'flows_bindings_list' },
      },
      async (request) => {
        const q = request.query;
        const { bindings, count } = await listStageBindings(ctx.db, {
          ...pageWindow(q),
          filter: { flowUuid: q.target, stageUuid: q.stage, uuid: q.fsb_uuid, order: q.order },
        });
        const results = [];
        for (const binding of bindings) results.push(await present(binding));
        return paginated(q, results, count);
      },
    );

    app.post<{ Body: Static<typeof FlowStageBindingRequest> }>(
      '/flows/bindings/',
      {
        schema: { body: FlowStageBindingRequest, response: { 201: FlowStageBinding, ...errors } },
        config: { operationId: 'flows_bindings_create' },
      },
      async (request, reply) => {
        const body = request.body;
        const binding = await ctx.db.transaction(async (tx) => {
          const fields = bindingFields(body);
          await assertReferences(tx, fields);
          const inserted = await insertStageBinding(tx, {
            ...fields,
            flowUuid: body.target,
            stageUuid: body.stage,
            order: body.order,
          });
          await publishChange({ db: tx }, { model: 'flow', pk: inserted.flowUuid });
          return inserted;
        });
        request.log.info({ binding: binding.uuid, flow: binding.flowUuid }, 'flow stage binding created');
        return reply.code(201).send(await present(binding));
      },
    );

    app.get<{ Params: Static<typeof BindingId> }>(
      '/flows/bindings/:fsb_uuid/',
      {
        schema: { params: BindingId, response: { 200: FlowStageBinding, ...errors } },
        config: { operationId: 'flows_bindings_retrieve' },
      },
      async (request) => {
        const binding = await findStageBinding(ctx.db, request.params.fsb_uuid);
        assertThat(binding, notFound);
        return present(binding);
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', FlowStageBindingRequest, 'flows_bindings_update'],
      ['PATCH', PatchedFlowStageBindingRequest, 'flows_bindings_partial_update'],
    ] as const) {
      app.route<{ Params: Static<typeof BindingId>; Body: BindingInput }>({
        method,
        url: '/flows/bindings/:fsb_uuid/',
        schema: { params: BindingId, body, response: { 200: FlowStageBinding, ...errors } },
        config: { operationId },
        handler: async (request) => {
          const uuid = request.params.fsb_uuid;
          const updated = await ctx.db.transaction(async (tx) => {
            const current = await findStageBinding(tx, uuid);
            assertThat(current, notFound);
            const fields = bindingFields(request.body);
            await assertReferences(tx, fields);
            const changed = await updateStageBinding(tx, uuid, fields);
            const flows = new Set([current.flowUuid, changed?.flowUuid ?? current.flowUuid]);
            await publishChange({ db: tx }, ...[...flows].map((pk) => ({ model: 'flow', pk }) as const));
            return changed;
          });
          assertThat(updated, notFound);
          request.log.info({ binding: uuid }, 'flow stage binding updated');
          return present(updated);
        },
      });
    }

    app.get<{ Params: Static<typeof BindingId> }>(
      '/flows/bindings/:fsb_uuid/used_by/',
      {
        schema: { params: BindingId, response: { 200: Type.Array(UsedBy), ...errors } },
        config: { operationId: 'flows_bindings_used_by_list' },
      },
      async (request) => {
        assertThat(await findStageBinding(ctx.db, request.params.fsb_uuid), notFound);
        return usedByStageBinding(ctx.db, request.params.fsb_uuid);
      },
    );

    app.delete<{ Params: Static<typeof BindingId> }>(
      '/flows/bindings/:fsb_uuid/',
      {
        schema: { params: BindingId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'flows_bindings_destroy' },
      },
      async (request, reply) => {
        const deleted = await ctx.db.transaction(async (tx) => {
          const current = await findStageBinding(tx, request.params.fsb_uuid);
          if (current) await publishChange({ db: tx }, { model: 'flow', pk: current.flowUuid });
          return deleteStageBinding(tx, request.params.fsb_uuid);
        });
        assertThat(deleted, notFound);
        request.log.info({ binding: request.params.fsb_uuid }, 'flow stage binding deleted');
        return reply.code(204).send();
      },
    );
  };
}
