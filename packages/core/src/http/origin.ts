import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';

/** The origin the core is reached at, for URLs it hands out: the configured external URL, else the request's. */
export function publicOrigin(ctx: AppContext, request: FastifyRequest): string {
  return ctx.config.external_url
    ? new URL(ctx.config.external_url).origin
    : `${request.protocol}://${request.host}`;
}
