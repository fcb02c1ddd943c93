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

/**
 * The same login session under the reference's cookie name, set by the flow executor: the reference
 * outposts keep only a cookie of exactly this name (reference-outposts-against-palisade.md §4.3).
 */
export const OUTPOST_SESSION_COOKIE = 'authentik_session';

/** The login session key a request carries, under either cookie name. */
export function readSessionCookie(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  return readCookie(request, SESSION_COOKIE) ?? readCookie(request, OUTPOST_SESSION_COOKIE);
}

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
    const key = bearerKey(authorization);
    if (!key) throw rejected(request, 'authorization header is not a bearer token');
    if (ctx.box.isSecretKey(key)) {
      // The embedded outpost's credential (controllers.md §2): it acts as that outpost's service account.
      const user = await embeddedOutpostUser(ctx.db);
      if (!user?.isActive) throw rejected(request, 'the embedded outpost has no active service account');
      return { user, via: 'secret_key' };
    }
    const result = await verifyApiToken(ctx, key);
    if ('reason' in result) throw rejected(request, result.reason, result.token);
    return result.principal;
  }
  const cookie = readSessionCookie(request);
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

/** The key of an `Authorization: Bearer <key>` header; undefined when the header is not one. */
export function bearerKey(authorization: string): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
}

/** A verified api token's principal, or why the key was refused (for the log, never for the caller). */
export type TokenVerdict =
  { principal: Extract<Principal, { via: 'token' }> } | { reason: string; token?: string };

/**
 * Checks an api token key: it must exist, have intent `api`, not be expired, and belong to an active user.
 * Used by the API and by the outpost websocket, so both refuse exactly the same tokens.
 */
export async function verifyApiToken(ctx: AppContext, key: string): Promise<TokenVerdict> {
  const token = await findTokenByKey(ctx.db, ctx.box, key);
  if (!token) return { reason: 'unknown token' };
  if (token.intent !== 'api')
    return { reason: `token intent ${token.intent} cannot call the API`, token: token.identifier };
  if (isTokenExpired(token)) return { reason: 'token expired', token: token.identifier };
  const user = await findUserById(ctx.db, token.userId);
  if (!user?.isActive) return { reason: 'token owner is inactive', token: token.identifier };
  await touchToken(ctx.db, token.uuid);
  return { principal: { user, via: 'token', token } };
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
