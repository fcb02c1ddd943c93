import { Type } from '@sinclair/typebox';
import { GenericError } from '@palisade/schema';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { ApiError } from '../../http/api-error.ts';
import { generateNetworkPassword } from '../../radius/network-password.ts';
import {
  deleteNetworkPassword,
  findNetworkPassword,
  setNetworkPassword,
} from '../../radius/network-passwords-repository.ts';

const Status = Type.Object({
  configured: Type.Boolean(),
  created: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  last_used: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const Created = Type.Object({ password: Type.String(), created: Type.String({ format: 'date-time' }) });

function caller(request: FastifyRequest) {
  const user = request.principal?.user;
  if (!user) throw new ApiError('not_authenticated');
  return user;
}

/**
 * `/network_password/`: the signed-in user's network password for Wi-Fi (PEAP-MSCHAPv2). GET tells whether
 * one exists (never the password), POST makes a new random one, replacing the old, and answers it this once,
 * DELETE revokes it. See docs/radius.md.
 */
export function networkPasswordRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/network_password/',
      {
        schema: { response: { 200: Status, 403: GenericError } },
        config: { operationId: 'network_password_retrieve' },
      },
      async (request) => {
        const found = await findNetworkPassword(ctx.db, caller(request).id);
        return {
          configured: found !== undefined,
          created: found?.created.toISOString() ?? null,
          last_used: found?.lastUsed?.toISOString() ?? null,
        };
      },
    );
    app.post(
      '/network_password/',
      {
        schema: { response: { 201: Created, 403: GenericError } },
        config: { operationId: 'network_password_create' },
      },
      async (request, reply) => {
        const user = caller(request);
        const password = generateNetworkPassword();
        const stored = await setNetworkPassword(ctx.db, ctx.box, user.id, password);
        request.log.info({ user: user.username }, 'network password created');
        reply.code(201).header('cache-control', 'no-store');
        return { password, created: stored.created.toISOString() };
      },
    );
    app.delete(
      '/network_password/',
      {
        schema: { response: { 204: Type.Null(), 404: GenericError, 403: GenericError } },
        config: { operationId: 'network_password_destroy' },
      },
      async (request, reply) => {
        const user = caller(request);
        if (!(await deleteNetworkPassword(ctx.db, user.id))) throw new ApiError('not_found');
        request.log.info({ user: user.username }, 'network password revoked');
        return reply.code(204).send();
      },
    );
  };
}
