import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { ApiError } from '../../http/api-error.ts';
import {
  OUTPOST_SESSION_COOKIE,
  readSessionCookie,
  SESSION_COOKIE,
  sessionPrincipal,
} from '../../http/authenticate.ts';
import { clearCookie, setCookie } from '../../http/cookies.ts';
import { createSession, type Session } from '../../identity/sessions-repository.ts';
import { endSessionByCookie } from '../../sessions/end-session.ts';
import type { User } from '../../identity/users-repository.ts';

/** Forms are small: a bound stops a large body before it is parsed. */
const FORM_BODY_LIMIT = 16 * 1024;

/** The field a form echoes the CSRF token in. */
export const CSRF_FIELD = 'csrf_token';

/**
 * Makes `application/x-www-form-urlencoded` the only body this plugin scope accepts (JSON and anything else
 * answer 415), parsed into string fields. A field given twice is refused with a 400, so no code has to
 * guess which of two values counts; the fields live in a prototype-less object, so `__proto__` is a name
 * like any other.
 */
export function installFormParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => {
      const fields: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [name, value] of new URLSearchParams(String(body))) {
        if (Object.hasOwn(fields, name)) {
          done(new ApiError('invalid', `The form field ${name} was sent more than once.`), undefined);
          return;
        }
        fields[name] = value;
      }
      done(null, fields);
    },
  );
}

/** A form's string field, or '' when absent (the parser makes every field a string). */
export function field(request: FastifyRequest, name: string): string {
  const body = request.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  return typeof value === 'string' ? value : '';
}

/** Answers whether the form's CSRF field matches the signed cookie. */
export function formCsrfValid(ctx: AppContext, request: FastifyRequest): boolean {
  return ctx.csrf.verify(request, field(request, CSRF_FIELD) || undefined);
}

/** The signed-in user of this browser and the core session they are signed in with, if any. */
export async function currentSession(
  ctx: AppContext,
  request: FastifyRequest,
): Promise<{ user: User; session: Session } | undefined> {
  const cookie = readSessionCookie(request);
  const principal = cookie ? await sessionPrincipal(ctx, cookie) : undefined;
  return principal?.via === 'session' ? { user: principal.user, session: principal.session } : undefined;
}

/** The signed-in user of this browser, if any. */
export async function currentUser(ctx: AppContext, request: FastifyRequest): Promise<User | undefined> {
  return (await currentSession(ctx, request))?.user;
}

/** How a login session is started: its lifetime, the client address to record, which cookies to set. */
export interface StartSessionOptions {
  maxAgeSeconds?: number;
  /** The end client's address (an outpost's delegated one); the request's own by default. */
  clientAddress?: string;
  /** Also set `authentik_session`, with an Expires date, for the reference outposts (the executor does). */
  outpostCookie?: boolean;
}

/**
 * Signs the browser in as `user`: a new server-side session (any previous one of this browser is revoked,
 * so a session id planted before sign-in is worthless) and its cookie.
 */
export async function startSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
  options: StartSessionOptions = {},
): Promise<void> {
  const previous = readSessionCookie(request);
  if (previous) await endSessionByCookie(ctx, previous);
  const maxAgeSeconds = options.maxAgeSeconds ?? ctx.config.session.max_age_seconds;
  const { session, cookieValue } = await createSession(ctx.db, {
    userId: user.id,
    maxAgeSeconds,
    clientAddress: options.clientAddress ?? request.ip,
    userAgent: String(request.headers['user-agent'] ?? '').slice(0, 512),
  });
  setCookie(request, reply, SESSION_COOKIE, cookieValue, { maxAgeSeconds });
  if (options.outpostCookie) {
    setCookie(request, reply, OUTPOST_SESSION_COOKIE, cookieValue, {
      maxAgeSeconds,
      expires: session.expires,
    });
  }
  request.log.info({ user: user.username, pk: user.id }, 'signed in');
}

/** Signs the browser out: ends its session on the server (and all issued under it) and clears the cookies. */
export async function endBrowserSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const cookie = readSessionCookie(request);
  if (cookie && (await endSessionByCookie(ctx, cookie))) request.log.info('signed out');
  clearCookie(request, reply, SESSION_COOKIE);
  if (request.headers.cookie?.includes(`${OUTPOST_SESSION_COOKIE}=`))
    clearCookie(request, reply, OUTPOST_SESSION_COOKIE);
}

/** Sends an HTML page. */
export function sendPage(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}
