import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Principal } from '../http/authenticate.ts';
import { outpostOfUser } from './principal.ts';

/**
 * The admin operations an LDAP outpost's service account may call: reading users and groups, which the
 * outpost serves as its directory (in the reference, LDAP providers grant their outpost view_user and
 * view_group). Nothing that writes, and nothing else.
 */
const DIRECTORY_READS = new Set([
  'core_users_list',
  'core_users_retrieve',
  'core_groups_list',
  'core_groups_retrieve',
]);

/** Answers whether `principal` is an LDAP outpost reading the directory (a GET of DIRECTORY_READS). */
export async function isLdapDirectoryRead(
  ctx: AppContext,
  principal: Principal,
  request: FastifyRequest,
): Promise<boolean> {
  const operationId = (request.routeOptions.config as { operationId?: string } | undefined)?.operationId;
  if (request.method !== 'GET' || !operationId || !DIRECTORY_READS.has(operationId)) return false;
  const outpost = await outpostOfUser(ctx, principal);
  return outpost?.type === 'ldap';
}
