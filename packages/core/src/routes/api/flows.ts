import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Flow, GenericError, ListQuery, Paginated, ValidationError } from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { listFlows, type FlowRecord } from '../../flows/flows-repository.ts';

const FlowListQuery = Type.Object({
  ...ListQuery,
  designation: Type.Optional(Type.String()),
  slug: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  flow_uuid: Type.Optional(Type.String({ format: 'uuid' })),
});

/** How a flow is presented: Palisade's flows are built in, so stages and policies are not editable yet. */
function presentFlow(flow: FlowRecord): Static<typeof Flow> {
  return {
    pk: flow.uuid,
    policybindingmodel_ptr_id: flow.uuid,
    name: flow.name,
    slug: flow.slug,
    title: flow.title,
    designation: flow.designation,
    background: '',
    background_url: '',
    background_themed_urls: null,
    stages: [],
    policies: [],
    cache_count: 0,
    policy_engine_mode: 'any',
    compatibility_mode: false,
    export_url: '',
    layout: 'stacked',
    denied_action: 'message_continue',
    authentication: 'none',
  };
}

/** /flows/instances/: the flows providers and applications refer to. */
export function flowInstanceRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof FlowListQuery> }>(
      '/flows/instances/',
      {
        schema: {
          querystring: FlowListQuery,
          response: { 200: Paginated(Flow), 400: ValidationError, 403: GenericError },
        },
        config: { operationId: 'flows_instances_list' },
      },
      async (request) => {
        const q = request.query;
        const { flows, count } = await listFlows(ctx.db, {
          ...pageWindow(q),
          filter: { designation: q.designation, slug: q.slug, name: q.name, uuid: q.flow_uuid },
        });
        return paginated(q, flows.map(presentFlow), count);
      },
    );
  };
}
