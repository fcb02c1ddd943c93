import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { findLiveSession, type Session } from '../identity/sessions-repository.ts';
import { findTokenByKey, isTokenExpired, type Token, touchToken } from '../identity/tokens-repository.ts';
import { findUserById, type User } from '../identity/users-repository.ts';
import { embeddedOutpostUser } from '../outposts/embedded.ts';
import { ApiError } from './api-error.ts';
import { readCookie } from './cookies.ts';
import { CSRF_HEADER } from './csrf.ts';

/** The cookie that carries a login session. */
export const SESSION_COOKIE = 'palisade_session';

/** Who is calling, and how they proved it. */
export type Principal =
  | { user: User; via: 'token'; token: Token }
  | { user: User; via: 'session'; session: Session }
  | { user: User; via: 'secret_key' };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook of a route group; absent on public routes. */
    principal?: Principal;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authenticates an API request by `Authorization: Bearer <api token>` or by the login session cookie (which
 * then needs the CSRF header on unsafe methods). Throws the contract's 403 for anything missing or invalid;
 * the reason goes to the log, the client hears only the code.
 */
export async function authenticateApiRequest(ctx: AppContext, request: FastifyRequest): Promise<Principal> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1]) throw rejected(request, 'authorization header is not a bearer token');
    if (ctx.box.isSecretKey(match[1])) {
      // The embedded outpost's credential (controllers.md §2): it acts as that outpost's service account.
      const user = await embeddedOutpostUser(ctx.db);
      if (!user?.isActive) throw rejected(request, 'the embedded outpost has no active service account');
      return { user, via: 'secret_key' };
    }
    const token = await findTokenByKey(ctx.db, ctx.box, match[1]);
    if (!token) throw rejected(request, 'unknown token');
    if (token.intent !== 'api')
      throw rejected(request, `token intent ${token.intent} cannot call the API`, token.identifier);
    if (isTokenExpired(token)) throw rejected(request, 'token expired', token.identifier);
    const user = await findUserById(ctx.db, token.userId);
    if (!user?.isActive) throw rejected(request, 'token owner is inactive', token.identifier);
    await touchToken(ctx.db, token.uuid);
    return { user, via: 'token', token };
  }
  const cookie = readCookie(request, SESSION_COOKIE);
  if (!cookie) throw new ApiError('not_authenticated');
  const principal = await sessionPrincipal(ctx, cookie);
  if (!principal) throw rejected(request, 'session unknown, expired or revoked');
  if (!SAFE_METHODS.has(request.method)) {
    const header = request.headers[CSRF_HEADER];
    if (!ctx.csrf.verify(request, typeof header === 'string' ? header : undefined)) {
      request.log.info({ reason: 'csrf' }, 'api request rejected');
      throw new ApiError('csrf_failed');
    }
  }
  return principal;
}

/** Resolves the session cookie to its live session and active user, or undefined. */
export async function sessionPrincipal(ctx: AppContext, cookie: string): Promise<Principal | undefined> {
  const session = await findLiveSession(ctx.db, cookie);
  if (!session) return undefined;
  const user = await findUserById(ctx.db, session.userId);
  return user?.isActive ? { user, via: 'session', session } : undefined;
}

/** Answers with 403 unless the caller is a superuser (the admin API, for now, is superusers only). */
export function assertSuperuser(principal: Principal): void {
  if (!principal.user.isSuperuser) throw new ApiError('permission_denied');
}

function rejected(request: FastifyRequest, reason: string, token?: string): ApiError {
  request.log.info({ reason, token }, 'api authentication failed');
  return new ApiError('authentication_failed');
}
