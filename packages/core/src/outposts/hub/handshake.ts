import { embeddedOutpostUser } from '../embedded.ts';
import { outpostUsername } from '../service-account.ts';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ErrorCode } from '@palisade/schema';
import type { AppContext } from '../../context.ts';
import { queryOne } from '../../db/database.ts';
import { bearerKey, verifyApiToken } from '../../http/authenticate.ts';

/** The websocket path of an outpost: `/ws/outpost/<uuid>/` (the trailing slash is optional). */
const OUTPOST_PATH = /^\/ws\/outpost\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

/** Longest instance uid kept from `?instance_uuid=` (outposts send a UUID). */
const MAX_INSTANCE_UID = 255;

/** Answers whether an upgrade request is for the outpost websocket at all (other paths are not the hub's). */
export function isOutpostSocketPath(url: string | undefined): boolean {
  return OUTPOST_PATH.test(new URL(url ?? '/', 'http://core').pathname);
}

/** An accepted handshake: which outpost, which instance, and who connected. */
export interface AcceptedHandshake {
  outpostUuid: string;
  uid: string;
  username: string;
}

/** A refused handshake: the status and error code the client hears, and the reason only the log hears. */
export interface RefusedHandshake {
  status: 401 | 403 | 404;
  code: ErrorCode;
  reason: string;
  token?: string;
}

/**
 * Decides an outpost websocket handshake. The bearer token is checked as the API checks it (intent api, not
 * expired, active owner); it must belong to that outpost's service account or to a superuser (the reference
 * asks for view permission on the outpost, which only those hold). The instance uid is `instance_uuid` from
 * the query, else a random one.
 */
export async function decideHandshake(
  ctx: AppContext,
  req: IncomingMessage,
): Promise<{ accepted: AcceptedHandshake } | { refused: RefusedHandshake }> {
  const url = new URL(req.url ?? '/', 'http://core');
  const outpostUuid = OUTPOST_PATH.exec(url.pathname)?.[1]?.toLowerCase();
  if (!outpostUuid) return { refused: { status: 404, code: 'not_found', reason: 'not an outpost path' } };
  const header = req.headers.authorization;
  if (header === undefined) {
    return { refused: { status: 401, code: 'not_authenticated', reason: 'no authorization header' } };
  }
  const key = bearerKey(header);
  if (!key) {
    return {
      refused: {
        status: 401,
        code: 'authentication_failed',
        reason: 'authorization header is not a bearer token',
      },
    };
  }
  // The secret key is the embedded outpost's credential (controllers.md §2), as it is at the API.
  const embedded = ctx.box.isSecretKey(key) ? await embeddedOutpostUser(ctx.db) : undefined;
  const verdict = embedded?.isActive
    ? { principal: { user: embedded, token: { identifier: 'secret key' } } }
    : await verifyApiToken(ctx, key);
  if ('reason' in verdict) return { refused: { status: 401, code: 'authentication_failed', ...verdict } };
  const { user, token } = verdict.principal;
  // Permission before existence: a token of another outpost learns nothing about which outposts exist.
  if (!user.isSuperuser && user.username !== outpostUsername({ uuid: outpostUuid })) {
    return {
      refused: {
        status: 403,
        code: 'permission_denied',
        reason: `${user.username} is neither this outpost's service account nor a superuser`,
        token: token.identifier,
      },
    };
  }
  const outpost = await queryOne(ctx.db, 'SELECT 1 FROM outposts WHERE uuid = $1', [outpostUuid]);
  if (!outpost) return { refused: { status: 404, code: 'not_found', reason: 'no such outpost' } };
  const requested = url.searchParams.get('instance_uuid');
  const uid = requested && requested.length <= MAX_INSTANCE_UID ? requested : randomUUID();
  return { accepted: { outpostUuid, uid, username: user.username } };
}
