/** `/outpost.goauthentik.io/start?rd=` and the sign-in start every adapter shares (spec §3.2). */
import { type Application } from '../app/application.ts';
import type { RuntimeContext } from '../context.ts';
import { type Reply, redirectReply } from '../http/reply.ts';
import { clearedCookies, type LoadedSession, readSession, startSession } from '../session/session-store.ts';
import { validateRedirect } from '../url/redirect-target.ts';

/** The authorize URL for a state. */
function authorizeUrl(app: Application, state: string): string {
  const url = new URL(app.endpoints.authorize);
  url.searchParams.set('client_id', app.config.client_id);
  url.searchParams.set('redirect_uri', app.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', app.config.scopes_to_request.join(' '));
  url.searchParams.set('state', state);
  return url.href;
}

/**
 * 302 to the core's authorize endpoint with a fresh state carrying `redirect` (already validated, or '').
 * The session id is reused when the browser has one, so sign-ins started in several tabs share it; a new
 * one is set as a cookie otherwise.
 */
export async function startSignIn(
  app: Application,
  ctx: RuntimeContext,
  options: {
    cookies: ReadonlyMap<string, string>;
    session: LoadedSession | undefined;
    redirect: string;
    attempt?: number;
    setCookies?: readonly string[];
  },
): Promise<Reply> {
  let session = options.session;
  let setCookies = [...(options.setCookies ?? [])];
  if (!session) {
    const started = startSession(app, options.cookies, ctx.now);
    session = started.session;
    setCookies = started.setCookies;
  }
  const state = await app.states.sign({
    sid: session.sid,
    redirect: options.redirect,
    attempt: options.attempt ?? 0,
  });
  return redirectReply(authorizeUrl(app, state), setCookies);
}

/**
 * The `rd` of a start URL. nginx configurations (the reference's docs among them) write
 * `?rd=$scheme://$http_host$request_uri` unescaped, so the original URL's own query arrives split: its first
 * parameter inside `rd`, the others beside it. Those are put back, in order, so the visitor lands on the URL
 * they asked for; the result is validated like any `rd`.
 */
function redirectParam(query: URLSearchParams): string {
  const rd = query.get('rd') ?? '';
  if (!rd.includes('?')) return rd;
  const rest = [...query].filter(([name]) => name !== 'rd');
  if (rest.length === 0) return rd;
  return `${rd}&${new URLSearchParams(rest).toString()}`;
}

/** GET /outpost.goauthentik.io/start: `rd` is followed after sign-in only when it stays on the application. */
export async function handleStart(
  app: Application,
  ctx: RuntimeContext,
  query: URLSearchParams,
  cookies: ReadonlyMap<string, string>,
): Promise<Reply> {
  const rd = redirectParam(query);
  const redirect = rd === '' ? '' : (validateRedirect(rd, app.redirectRules) ?? '');
  if (rd !== '' && redirect === '')
    ctx.options.log.info({ provider: app.config.name, reason: 'rd refused' }, 'redirect target ignored');
  const read = readSession(app, cookies, ctx);
  const usable = read.problem === 'revoked' || read.problem === 'malformed' ? undefined : read.session;
  return startSignIn(app, ctx, {
    cookies,
    session: usable,
    redirect,
    attempt: query.get('retry') === '1' ? 1 : 0,
    setCookies:
      read.problem === 'malformed' || read.problem === 'revoked' ? clearedCookies(app, cookies) : [],
  });
}
