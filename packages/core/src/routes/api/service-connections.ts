import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { GenericError, ListQuery, Paginated, UsedBy, ValidationError } from '@palisade/schema';
import {
  ServiceConnection as ConnectionBody,
  ServiceConnectionState,
  TypeCreate,
} from '@palisade/schema/api/service-connections';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { assertThat, notFound } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { connectionMeta, SERVICE_CONNECTION_KINDS } from '../../integrations/service-connections.ts';
import {
  deleteServiceConnection,
  findServiceConnection,
  listServiceConnections,
  outpostsOfConnection,
  type ServiceConnectionRow,
} from '../../integrations/service-connections-repository.ts';
import { notifyOutposts } from '../../outposts/hub/changes.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };
const ConnectionId = Type.Object({ uuid: Type.String({ format: 'uuid' }) });
const ConnectionListQuery = Type.Object({ ...ListQuery, name: Type.Optional(Type.String()) });

/** The outposts that use a connection; deleting the connection sets theirs to null. */
export async function usedByOutposts(ctx: AppContext, uuid: string): Promise<Array<Static<typeof UsedBy>>> {
  return (await outpostsOfConnection(ctx.db, uuid)).map((o) => ({
    app: 'authentik_outposts',
    model_name: 'outpost',
    pk: o.uuid,
    name: o.name,
    action: 'set_null' as const,
  }));
}

const kinds = () => Object.keys(SERVICE_CONNECTION_KINDS);

/** A connection of a registered kind, or a 404. */
async function knownConnection(ctx: AppContext, uuid: string): Promise<ServiceConnectionRow> {
  const row = await findServiceConnection(ctx.db, uuid);
  assertThat(row && SERVICE_CONNECTION_KINDS[row.kind], notFound);
  return row;
}

/** A connection in the contract's generic ServiceConnection shape (as lists and outposts show it). */
export function presentServiceConnection(row: ServiceConnectionRow): Static<typeof ConnectionBody> {
  const kind = SERVICE_CONNECTION_KINDS[row.kind];
  if (!kind) throw new Error(`unregistered service connection kind ${row.kind}`);
  return { pk: row.uuid, name: row.name, local: row.local, ...connectionMeta(kind) };
}

/**
 * /outposts/service_connections/all/: every kind of connection through SERVICE_CONNECTION_KINDS — list,
 * retrieve, delete, a state check on demand, what uses one, and the kinds that can be created.
 */
export function serviceConnectionRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const base = '/outposts/service_connections/all/';
    app.get<{ Querystring: Static<typeof ConnectionListQuery> }>(
      base,
      {
        schema: { querystring: ConnectionListQuery, response: { 200: Paginated(ConnectionBody), ...errors } },
        config: { operationId: 'outposts_service_connections_all_list' },
      },
      async (request) => {
        const q = request.query;
        const { rows, count } = await listServiceConnections(ctx.db, kinds(), {
          ...pageWindow(q),
          name: q.name,
        });
        return paginated(q, rows.map(presentServiceConnection), count);
      },
    );

    app.get(
      `${base}types/`,
      {
        schema: { response: { 200: Type.Array(TypeCreate), ...errors } },
        config: { operationId: 'outposts_service_connections_all_types_list' },
      },
      async () =>
        Object.values(SERVICE_CONNECTION_KINDS).map((kind) => ({
          name: kind.verboseName,
          description: kind.description,
          component: kind.component,
          model_name: kind.modelName,
          requires_enterprise: false,
          deprecated: false,
        })),
    );

    app.get<{ Params: Static<typeof ConnectionId> }>(
      `${base}:uuid/`,
      {
        schema: { params: ConnectionId, response: { 200: ConnectionBody, ...errors } },
        config: { operationId: 'outposts_service_connections_all_retrieve' },
      },
      async (request) => presentServiceConnection(await knownConnection(ctx, request.params.uuid)),
    );

    app.delete<{ Params: Static<typeof ConnectionId> }>(
      `${base}:uuid/`,
      {
        schema: { params: ConnectionId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'outposts_service_connections_all_destroy' },
      },
      async (request, reply) => {
        const row = await knownConnection(ctx, request.params.uuid);
        const outposts = await outpostsOfConnection(ctx.db, row.uuid);
        await SERVICE_CONNECTION_KINDS[row.kind]?.beforeDelete?.(ctx, row.uuid);
        await deleteServiceConnection(ctx.db, row.uuid);
        await notifyOutposts(
          ctx.db,
          outposts.map((o) => o.uuid),
        );
        request.log.info({ connection: row.uuid, kind: row.kind }, 'service connection deleted');
        return reply.code(204).send();
      },
    );

    app.get<{ Params: Static<typeof ConnectionId> }>(
      `${base}:uuid/state/`,
      {
        schema: { params: ConnectionId, response: { 200: ServiceConnectionState, ...errors } },
        config: { operationId: 'outposts_service_connections_all_state_retrieve' },
      },
      async (request) => {
        const row = await knownConnection(ctx, request.params.uuid);
        // Checked now rather than answered from a cache, so a new connection is not shown unhealthy
        // until a monitor happens to run (the reference's issues #5780, #7279).
        const state = await SERVICE_CONNECTION_KINDS[row.kind]?.state(ctx, row.uuid);
        assertThat(state, notFound);
        return state;
      },
    );

    app.get<{ Params: Static<typeof ConnectionId> }>(
      `${base}:uuid/used_by/`,
      {
        schema: { params: ConnectionId, response: { 200: Type.Array(UsedBy), ...errors } },
        config: { operationId: 'outposts_service_connections_all_used_by_list' },
      },
      async (request) => usedByOutposts(ctx, (await knownConnection(ctx, request.params.uuid)).uuid),
    );
  };
}
