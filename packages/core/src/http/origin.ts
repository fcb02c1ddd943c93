import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';

/** The origin the core is reached at: the configured external URL's, else the request's own. */
export function requestOrigin(ctx: AppContext, request: FastifyRequest): string {
  return ctx.config.external_url
    ? new URL(ctx.config.external_url).origin
    : `${request.protocol}://${request.host}`;
}
