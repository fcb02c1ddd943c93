import { type Static, Type } from '@sinclair/typebox';
import {
  DockerServiceConnection as ConnectionBody,
  DockerServiceConnectionRequest,
  GenericError,
  ListQuery,
  Paginated,
  PatchedDockerServiceConnectionRequest,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import { findKeypair } from '../../crypto/keypairs-repository.ts';
import { assertThat, notFound, uniqueViolation, validationFailed } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import {
  type DockerConnection,
  type DockerConnectionFields,
  findDockerConnection,
  insertDockerConnection,
  listDockerConnections,
  updateDockerConnection,
} from '../../integrations/docker/connections-repository.ts';
import { DOCKER_CONNECTION_KIND, removeDockerConnection } from '../../integrations/docker/kind.ts';
import { connectionMeta } from '../../integrations/service-connections.ts';
import { outpostsOfConnection } from '../../integrations/service-connections-repository.ts';
import { notifyOutposts } from '../../outposts/hub/changes.ts';
import { addProblem } from '../../providers/validate.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };
const BASE = '/outposts/service_connections/docker/';
const ConnectionId = Type.Object({ uuid: Type.String({ format: 'uuid' }) });
const ConnectionListQuery = Type.Object({
  ...ListQuery,
  name: Type.Optional(Type.String({ maxLength: 250 })),
  local: Type.Optional(Type.Boolean()),
  url: Type.Optional(Type.String({ maxLength: 2000 })),
  tls_verification: Type.Optional(Type.String({ format: 'uuid' })),
  tls_authentication: Type.Optional(Type.String({ format: 'uuid' })),
});

type ConnectionInput = Static<typeof PatchedDockerServiceConnectionRequest>;

/** The URL schemes a remote connection may use (controllers.md §1.4); a bare path is a unix socket. */
const SCHEMES = new Set(['unix:', 'http:', 'https:', 'tcp:', 'ssh:']);

/** The contract's DockerServiceConnection. */
function present(c: DockerConnection): Static<typeof ConnectionBody> {
  return {
    pk: c.uuid,
    name: c.name,
    local: c.local,
    ...connectionMeta(DOCKER_CONNECTION_KIND),
    url: c.url,
    tls_verification: c.tlsVerification,
    tls_authentication: c.tlsAuthentication,
  };
}

/** Checks a whole connection (the stored one overlaid with the input) and returns what to store. */
async function checkedFields(
  db: Queryable,
  input: ConnectionInput,
  existing: DockerConnection | undefined,
): Promise<DockerConnectionFields> {
  const fields: DockerConnectionFields = {
    name: input.name ?? existing?.name ?? '',
    local: input.local ?? existing?.local ?? false,
    url: input.url ?? existing?.url ?? '',
    tlsVerification:
      input.tls_verification === undefined ? (existing?.tlsVerification ?? null) : input.tls_verification,
    tlsAuthentication:
      input.tls_authentication === undefined
        ? (existing?.tlsAuthentication ?? null)
        : input.tls_authentication,
  };
  const problems: Record<string, string[]> = {};
  const raw = fields.url.startsWith('/') ? `unix://${fields.url}` : fields.url;
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  // A local connection takes its address from the core's environment; its url is informative only.
  if (!fields.local && (!url || !SCHEMES.has(url.protocol)))
    addProblem(
      problems,
      'url',
      'Use unix://<path>, http(s)://<host>:<port>, tcp://<host>:<port> or ssh://[user@]<host>.',
    );
  else if (!fields.local && url?.protocol !== 'unix:' && !url?.hostname)
    addProblem(problems, 'url', 'The URL names no host.');
  for (const [field, uuid, needsKey] of [
    ['tls_verification', fields.tlsVerification, false],
    ['tls_authentication', fields.tlsAuthentication, true],
  ] as const) {
    if (!uuid) continue;
    const keypair = await findKeypair(db, uuid);
    if (!keypair) addProblem(problems, field, `Invalid pk "${uuid}" - object does not exist.`);
    else if (needsKey && !keypair.hasPrivateKey)
      addProblem(problems, field, 'This certificate-key pair has no private key to authenticate with.');
  }
  assertThat(Object.keys(problems).length === 0, () => validationFailed(problems));
  return fields;
}

function duplicate(error: unknown): never {
  if (uniqueViolation(error))
    throw validationFailed({ name: ['Service connection with this name already exists.'] }, 'unique');
  throw error;
}

/**
 * /outposts/service_connections/docker/: the admin API of Docker service connections. A change forgets the
 * stored state (the state API checks again) and redeploys the connection's outposts; a delete removes the
 * containers it deployed first.
 */
export function dockerConnectionRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof ConnectionListQuery> }>(
      BASE,
      {
        schema: { querystring: ConnectionListQuery, response: { 200: Paginated(ConnectionBody), ...errors } },
        config: { operationId: 'outposts_service_connections_docker_list' },
      },
      async (request) => {
        const q = request.query;
        const { connections, count } = await listDockerConnections(ctx.db, {
          ...pageWindow(q),
          filter: {
            name: q.name,
            local: q.local,
            url: q.url,
            tlsVerification: q.tls_verification,
            tlsAuthentication: q.tls_authentication,
          },
        });
        return paginated(q, connections.map(present), count);
      },
    );

    app.post<{ Body: Static<typeof DockerServiceConnectionRequest> }>(
      BASE,
      {
        schema: { body: DockerServiceConnectionRequest, response: { 201: ConnectionBody, ...errors } },
        config: { operationId: 'outposts_service_connections_docker_create' },
      },
      async (request, reply) => {
        const connection = await ctx.db
          .transaction(async (tx) =>
            insertDockerConnection(tx, await checkedFields(tx, request.body, undefined)),
          )
          .catch(duplicate);
        request.log.info({ connection: connection.uuid }, 'docker service connection created');
        return reply.code(201).send(present(connection));
      },
    );

    app.get<{ Params: Static<typeof ConnectionId> }>(
      `${BASE}:uuid/`,
      {
        schema: { params: ConnectionId, response: { 200: ConnectionBody, ...errors } },
        config: { operationId: 'outposts_service_connections_docker_retrieve' },
      },
      async (request) => {
        const connection = await findDockerConnection(ctx.db, request.params.uuid);
        assertThat(connection, notFound);
        return present(connection);
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', DockerServiceConnectionRequest, 'outposts_service_connections_docker_update'],
      ['PATCH', PatchedDockerServiceConnectionRequest, 'outposts_service_connections_docker_partial_update'],
    ] as const) {
      app.route<{ Params: Static<typeof ConnectionId>; Body: ConnectionInput }>({
        method,
        url: `${BASE}:uuid/`,
        schema: { params: ConnectionId, body, response: { 200: ConnectionBody, ...errors } },
        config: { operationId },
        handler: async (request) => {
          const connection = await ctx.db
            .transaction(async (tx) => {
              const existing = await findDockerConnection(tx, request.params.uuid);
              assertThat(existing, notFound);
              return updateDockerConnection(
                tx,
                existing.uuid,
                await checkedFields(tx, request.body, existing),
              );
            })
            .catch(duplicate);
          assertThat(connection, notFound);
          request.log.info({ connection: connection.uuid }, 'docker service connection updated');
          // Its outposts are redeployed through the changed connection (the controller hears the bus).
          const outposts = await outpostsOfConnection(ctx.db, connection.uuid);
          if (outposts.length)
            await notifyOutposts(
              ctx.db,
              outposts.map((o) => o.uuid),
            );
          return present(connection);
        },
      });
    }

    app.delete<{ Params: Static<typeof ConnectionId> }>(
      `${BASE}:uuid/`,
      {
        schema: { params: ConnectionId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'outposts_service_connections_docker_destroy' },
      },
      async (request, reply) => {
        assertThat(await removeDockerConnection(ctx, request.params.uuid), notFound);
        request.log.info({ connection: request.params.uuid }, 'docker service connection deleted');
        return reply.code(204).send();
      },
    );
  };
}
