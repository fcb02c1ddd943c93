import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  Flow,
  FlowDeniedAction,
  FlowDesignation,
  FlowRequest,
  GenericError,
  ListQuery,
  Paginated,
  PatchedFlowRequest,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { queryOne } from '../../db/database.ts';
import { assertThat, notFound, uniqueViolation, validationFailed } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import {
  deleteFlow,
  findFlowBySlug,
  type FlowFields,
  insertFlow,
  listFlows,
  updateFlow,
} from '../../flows/flows-repository.ts';
import { publishChange } from '../../outposts/hub/changes.ts';
import { presentFlow } from './flow-presenters.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const FlowListQuery = Type.Object({
  ...ListQuery,
  designation: Type.Optional(FlowDesignation),
  denied_action: Type.Optional(FlowDeniedAction),
  slug: Type.Optional(Type.String({ maxLength: 50 })),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  flow_uuid: Type.Optional(Type.String({ format: 'uuid' })),
});

const FlowSlug = Type.Object({ slug: Type.String({ maxLength: 50 }) });

type FlowInput = Static<typeof PatchedFlowRequest>;

function flowFields(body: FlowInput): FlowFields {
  return {
    slug: body.slug,
    name: body.name,
    title: body.title,
    designation: body.designation,
    background: body.background,
    policyEngineMode: body.policy_engine_mode,
    compatibilityMode: body.compatibility_mode,
    layout: body.layout,
    deniedAction: body.denied_action,
    authentication: body.authentication,
  };
}

/** Runs a write, answering a taken slug as the contract's 400 on `slug`. */
async function uniqueSlug<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (uniqueViolation(error))
      throw validationFailed({ slug: ['flow with this slug already exists.'] }, 'unique');
    throw error;
  }
}

/** /flows/instances/: flows as data (their stages are bound under /flows/bindings/). */
export function flowInstanceRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof FlowListQuery> }>(
      '/flows/instances/',
      {
        schema: { querystring: FlowListQuery, response: { 200: Paginated(Flow), ...errors } },
        config: { operationId: 'flows_instances_list' },
      },
      async (request) => {
        const q = request.query;
        const { flows, count } = await listFlows(ctx.db, {
          ...pageWindow(q),
          filter: {
            designation: q.designation,
            slug: q.slug,
            name: q.name,
            uuid: q.flow_uuid,
            deniedAction: q.denied_action,
          },
        });
        const results = [];
        for (const flow of flows) results.push(await presentFlow(ctx, flow));
        return paginated(q, results, count);
      },
    );

    app.post<{ Body: Static<typeof FlowRequest> }>(
      '/flows/instances/',
      {
        schema: { body: FlowRequest, response: { 201: Flow, ...errors } },
        config: { operationId: 'flows_instances_create' },
      },
      async (request, reply) => {
        const body = request.body;
        const flow = await uniqueSlug(() =>
          insertFlow(ctx.db, {
            ...flowFields(body),
            slug: body.slug,
            name: body.name,
            title: body.title,
            designation: body.designation,
          }),
        );
        request.log.info({ flow: flow.slug }, 'flow created');
        return reply.code(201).send(await presentFlow(ctx, flow));
      },
    );

    app.get<{ Params: Static<typeof FlowSlug> }>(
      '/flows/instances/:slug/',
      {
        schema: { params: FlowSlug, response: { 200: Flow, ...errors } },
        config: { operationId: 'flows_instances_retrieve' },
      },
      async (request) => {
        const flow = await findFlowBySlug(ctx.db, request.params.slug);
        assertThat(flow, notFound);
        return presentFlow(ctx, flow);
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', FlowRequest, 'flows_instances_update'],
      ['PATCH', PatchedFlowRequest, 'flows_instances_partial_update'],
    ] as const) {
      app.route<{ Params: Static<typeof FlowSlug>; Body: FlowInput }>({
        method,
        url: '/flows/instances/:slug/',
        schema: { params: FlowSlug, body, response: { 200: Flow, ...errors } },
        config: { operationId },
        handler: async (request) => {
          const current = await findFlowBySlug(ctx.db, request.params.slug);
          assertThat(current, notFound);
          const updated = await uniqueSlug(() =>
            ctx.db.transaction(async (tx) => {
              const flow = await updateFlow(tx, current.uuid, flowFields(request.body));
              await publishChange({ db: tx }, { model: 'flow', pk: current.uuid });
              return flow;
            }),
          );
          assertThat(updated, notFound);
          request.log.info({ flow: updated.slug }, 'flow updated');
          return presentFlow(ctx, updated);
        },
      });
    }

    app.delete<{ Params: Static<typeof FlowSlug> }>(
      '/flows/instances/:slug/',
      {
        schema: { params: FlowSlug, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'flows_instances_destroy' },
      },
      async (request, reply) => {
        const flow = await findFlowBySlug(ctx.db, request.params.slug);
        assertThat(flow, notFound);
        const user = await queryOne(
          ctx.db,
          `SELECT 1 FROM providers WHERE $1 IN (authentication_flow, authorization_flow, invalidation_flow)
           LIMIT 1`,
          [flow.uuid],
        );
        assertThat(!user, () =>
          validationFailed({
            non_field_errors: ['This flow is used by a provider: change the provider first.'],
          }),
        );
        await deleteFlow(ctx.db, flow.uuid);
        request.log.info({ flow: flow.slug }, 'flow deleted');
        return reply.code(204).send();
      },
    );
  };
}
