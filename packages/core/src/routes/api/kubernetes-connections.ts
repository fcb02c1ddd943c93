import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { GenericError, ListQuery, Paginated, ValidationError } from '@palisade/schema';
import {
  KubernetesServiceConnection as ConnectionBody,
  KubernetesServiceConnectionRequest,
  PatchedKubernetesServiceConnectionRequest,
} from '@palisade/schema/api/service-connections';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { assertThat, notFound } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { kubernetesConnectionState } from '../../integrations/kubernetes/connection-state.ts';
import {
  findKubernetesConnection,
  type KubernetesConnection,
  listKubernetesConnections,
} from '../../integrations/kubernetes/connections-repository.ts';
import {
  changeKubernetesConnection,
  createKubernetesConnection,
  type KubernetesConnectionInput,
} from '../../integrations/kubernetes/connections-service.ts';
import { connectionMeta, KUBERNETES_CONNECTION_KIND } from '../../integrations/service-connections.ts';
import {
  deleteServiceConnection,
  outpostsOfConnection,
} from '../../integrations/service-connections-repository.ts';
import { notifyOutposts } from '../../outposts/hub/changes.ts';
import { UsedBy } from '@palisade/schema';
import { usedByOutposts } from './service-connections.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };
const ConnectionId = Type.Object({ uuid: Type.String({ format: 'uuid' }) });
const ConnectionListQuery = Type.Object({
  ...ListQuery,
  name: Type.Optional(Type.String()),
  local: Type.Optional(Type.Boolean()),
});

/** A connection in the contract's KubernetesServiceConnection shape. */
function present(connection: KubernetesConnection): Static<typeof ConnectionBody> {
  return {
    pk: connection.uuid,
    name: connection.name,
    local: connection.local,
    ...connectionMeta(KUBERNETES_CONNECTION_KIND),
    kubeconfig: connection.kubeconfig,
    verify_ssl: connection.verifySsl,
  };
}

/**
 * After a save (controllers.md §6.1): the state is checked again, in the background so a slow cluster does
 * not hold the answer, and the outposts using the connection are told (their controller runs and their
 * instances reload).
 */
async function afterSave(ctx: AppContext, uuid: string, log: { warn: (o: object, m: string) => void }) {
  kubernetesConnectionState(ctx, uuid).catch((error: unknown) =>
    log.warn({ err: error, connection: uuid }, 'service connection state check failed'),
  );
  await notifyOutposts(
    ctx.db,
    (await outpostsOfConnection(ctx.db, uuid)).map((o) => o.uuid),
  );
}

/** /outposts/service_connections/kubernetes/: the admin API of Kubernetes connections. */
export function kubernetesConnectionRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const base = '/outposts/service_connections/kubernetes/';
    app.get<{ Querystring: Static<typeof ConnectionListQuery> }>(
      base,
      {
        schema: { querystring: ConnectionListQuery, response: { 200: Paginated(ConnectionBody), ...errors } },
        config: { operationId: 'outposts_service_connections_kubernetes_list' },
      },
      async (request) => {
        const q = request.query;
        const { connections, count } = await listKubernetesConnections(ctx.db, ctx.box, {
          ...pageWindow(q),
          filter: { name: q.name, local: q.local },
        });
        return paginated(q, connections.map(present), count);
      },
    );

    app.post<{ Body: Static<typeof KubernetesServiceConnectionRequest> }>(
      base,
      {
        schema: { body: KubernetesServiceConnectionRequest, response: { 201: ConnectionBody, ...errors } },
        config: { operationId: 'outposts_service_connections_kubernetes_create' },
      },
      async (request, reply) => {
        const connection = await createKubernetesConnection(ctx, request.body as KubernetesConnectionInput);
        request.log.info({ connection: connection.uuid }, 'kubernetes service connection created');
        await afterSave(ctx, connection.uuid, request.log);
        return reply.code(201).send(present(connection));
      },
    );

    app.get<{ Params: Static<typeof ConnectionId> }>(
      `${base}:uuid/`,
      {
        schema: { params: ConnectionId, response: { 200: ConnectionBody, ...errors } },
        config: { operationId: 'outposts_service_connections_kubernetes_retrieve' },
      },
      async (request) => {
        const connection = await findKubernetesConnection(ctx.db, ctx.box, request.params.uuid);
        assertThat(connection, notFound);
        return present(connection);
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', KubernetesServiceConnectionRequest, 'outposts_service_connections_kubernetes_update'],
      [
        'PATCH',
        PatchedKubernetesServiceConnectionRequest,
        'outposts_service_connections_kubernetes_partial_update',
      ],
    ] as const) {
      app.route<{ Params: Static<typeof ConnectionId>; Body: KubernetesConnectionInput }>({
        method,
        url: `${base}:uuid/`,
        schema: { params: ConnectionId, body, response: { 200: ConnectionBody, ...errors } },
        config: { operationId },
        handler: async (request) => {
          const connection = await changeKubernetesConnection(ctx, request.params.uuid, request.body);
          request.log.info({ connection: connection.uuid }, 'kubernetes service connection updated');
          await afterSave(ctx, connection.uuid, request.log);
          return present(connection);
        },
      });
    }

    app.delete<{ Params: Static<typeof ConnectionId> }>(
      `${base}:uuid/`,
      {
        schema: { params: ConnectionId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'outposts_service_connections_kubernetes_destroy' },
      },
      async (request, reply) => {
        const connection = await findKubernetesConnection(ctx.db, ctx.box, request.params.uuid);
        assertThat(connection, notFound);
        const outposts = await outpostsOfConnection(ctx.db, connection.uuid);
        // Outposts keep existing without a connection (ON DELETE SET NULL); what was deployed stays.
        await deleteServiceConnection(ctx.db, connection.uuid);
        await notifyOutposts(
          ctx.db,
          outposts.map((o) => o.uuid),
        );
        request.log.info({ connection: connection.uuid }, 'kubernetes service connection deleted');
        return reply.code(204).send();
      },
    );

    app.get<{ Params: Static<typeof ConnectionId> }>(
      `${base}:uuid/used_by/`,
      {
        schema: { params: ConnectionId, response: { 200: Type.Array(UsedBy), ...errors } },
        config: { operationId: 'outposts_service_connections_kubernetes_used_by_list' },
      },
      async (request) => {
        const connection = await findKubernetesConnection(ctx.db, ctx.box, request.params.uuid);
        assertThat(connection, notFound);
        return usedByOutposts(ctx, connection.uuid);
      },
    );
  };
}
