import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { ApiError } from '../http/api-error.ts';
import { authenticateApiRequest, type Principal } from '../http/authenticate.ts';
import { findOutpostByServiceAccount, type Outpost } from './outposts-repository.ts';
import {
  certificatesOfProviders,
  PROVIDER_KIND_OF_OUTPOST,
  type ProviderKind,
  providersOfType,
} from './provider-types.ts';
import { OUTPOST_USER_PATH } from './service-account.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the outpost-facing group when an outpost's token (or the secret key) is calling. */
    outpost?: Outpost;
  }
}

/** The outpost a principal acts for: its user is that outpost's service account. */
export async function outpostOfUser(ctx: AppContext, principal: Principal): Promise<Outpost | undefined> {
  const { user } = principal;
  if (user.type !== 'internal_service_account' || user.path !== OUTPOST_USER_PATH) return undefined;
  return findOutpostByServiceAccount(ctx.db, user.username);
}

/**
 * The outpost-facing group's authentication: a superuser (full view) or an outpost (its own objects only);
 * anyone else is refused with 403. Sets `request.principal`, and `request.outpost` for an outpost.
 */
export async function authenticateSuperuserOrOutpost(
  ctx: AppContext,
  request: FastifyRequest,
): Promise<void> {
  const principal = await authenticateApiRequest(ctx, request);
  request.principal = principal;
  if (principal.user.isSuperuser) return;
  const outpost = await outpostOfUser(ctx, principal);
  if (!outpost) throw new ApiError('permission_denied');
  request.outpost = outpost;
}

/** A route-level guard: write methods of the outpost-facing group stay superuser-only. */
export async function requireSuperuser(request: FastifyRequest): Promise<void> {
  if (!request.principal?.user.isSuperuser) throw new ApiError('permission_denied');
}

/** The outpost calling, or undefined for a superuser (who sees everything). */
export function outpostOfPrincipal(request: FastifyRequest): Outpost | undefined {
  return request.outpost;
}

/**
 * The providers of `kind` the caller may see: undefined means all (a superuser); for an outpost, the ones
 * linked to it that are of that kind. A `/outposts/<kind>/` handler lists these and nothing else.
 */
export async function providerIdsVisibleTo(
  ctx: AppContext,
  request: FastifyRequest,
  kind?: ProviderKind,
): Promise<number[] | undefined> {
  const outpost = request.outpost;
  if (!outpost) return undefined;
  return providersOfType(ctx.db, kind ?? PROVIDER_KIND_OF_OUTPOST[outpost.type], outpost.providers);
}

/**
 * The certificate-key pairs (kp_uuid) the caller may read: undefined means all (a superuser); for an outpost,
 * those its providers use (proxy/LDAP/RADIUS `certificate`). Hook for the certificate views being built on
 * main: `/crypto/certificatekeypairs/` in the outpost-facing group filters by this.
 */
export async function certificateIdsVisibleTo(
  ctx: AppContext,
  request: FastifyRequest,
): Promise<string[] | undefined> {
  const outpost = request.outpost;
  if (!outpost) return undefined;
  return certificatesOfProviders(ctx.db, outpost.providers);
}
