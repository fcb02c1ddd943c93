import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';

/**
 * The origin the core is reached at, for URLs it hands out: the configured external URL, else the request's.
 * Normalised as URL does (`http://core:80` is `http://core`), so the issuer an application is named by, and
 * the endpoint URLs oidc-provider derives from it, agree however the port was written.
 */
export function publicOrigin(ctx: AppContext, request: FastifyRequest): string {
  return new URL(ctx.config.external_url ?? `${request.protocol}://${request.host}`).origin;
}
