import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { embeddedOutpostUser } from '../outposts/embedded.ts';
import { outpostOfUser } from '../outposts/principal.ts';
import { verifyApiToken } from './authenticate.ts';

/** The header an outpost proves itself with when it calls on an end client's behalf (no Authorization). */
export const OUTPOST_TOKEN_HEADER = 'x-authentik-outpost-token';

/** The header carrying the end client's address (the LDAP peer, the RADIUS client). */
export const REMOTE_IP_HEADER = 'x-authentik-remote-ip';

/** The client a request acts for: its address, and the outpost service account vouching for it, if any. */
export interface DelegatedClient {
  address: string;
  outpostUserId?: number;
}

/**
 * Who the end client is: `X-authentik-remote-ip` counts only when `X-authentik-outpost-token` is a valid
 * api token of an outpost's service account (or the embedded outpost's secret key); from anyone else both
 * headers are ignored and the request's own address counts. So throttling, sessions and policies see the
 * LDAP or RADIUS client's address, and nobody else can choose the address they are counted under.
 */
export async function delegatedClient(ctx: AppContext, request: FastifyRequest): Promise<DelegatedClient> {
  const token = request.headers[OUTPOST_TOKEN_HEADER];
  if (typeof token !== 'string' || token.length === 0 || token.length > 512) return { address: request.ip };
  let userId: number | undefined;
  if (ctx.box.isSecretKey(token)) {
    const user = await embeddedOutpostUser(ctx.db);
    if (user?.isActive) userId = user.id;
  } else {
    const verdict = await verifyApiToken(ctx, token);
    if ('principal' in verdict && (await outpostOfUser(ctx, verdict.principal)))
      userId = verdict.principal.user.id;
  }
  if (userId === undefined) {
    request.log.info('outpost token refused: the remote address header is ignored');
    return { address: request.ip };
  }
  const remote = request.headers[REMOTE_IP_HEADER];
  const address = typeof remote === 'string' && isIP(remote.trim()) ? remote.trim() : request.ip;
  return { address, outpostUserId: userId };
}
