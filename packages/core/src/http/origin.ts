import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { ApiError } from './api-error.ts';

// RFC 9110 §7.2 / RFC 3986 §3.2.2: a registered name (letters, digits, `-`, `.`), an IPv4 address, or an IPv6
// literal in brackets, then an optional port. No userinfo, path, query or fragment can ride along.
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]{2,45}\])(?::(\d{1,5}))?$/;

/**
 * The origin the core is reached at, for URLs it hands out (issuers, endpoints, outpost configurations): the
 * configured external URL, else the request's own scheme and Host (X-Forwarded-* only from trusted proxies).
 * A Host that is not a plain host[:port] is refused with 400 `invalid_host` rather than turned into an issuer.
 * Normalised as URL does (`http://core:80` is `http://core`), so the issuer an application is named by, and
 * the endpoint URLs oidc-provider derives from it, agree however the port was written.
 *
 * DANGER: without `external_url`, whoever sends the request chooses the issuer and the endpoint URLs of the
 * answer (the reference does the same). See docs/oauth2.md, "Issuer and Host".
 */
export function publicOrigin(ctx: AppContext, request: FastifyRequest): string {
  if (ctx.config.external_url) return new URL(ctx.config.external_url).origin;
  const host = request.host;
  const port = HOST.exec(host)?.[1];
  if (!HOST.test(host) || (port !== undefined && (Number(port) < 1 || Number(port) > 65535)))
    throw new ApiError('invalid_host');
  try {
    return new URL(`${request.protocol}://${host}`).origin;
  } catch {
    throw new ApiError('invalid_host'); // an IPv6 literal that only looked like one
  }
}
