/**
 * The OAuth callback (spec §3.3): `/outpost.goauthentik.io/callback`, or any URL carrying
 * `X-authentik-auth-callback=true`. Verify the state, redeem the code, verify the access token, store it.
 * A failure never signs in and never loops silently: it is counted and logged, restarts sign-in at most once
 * (the state counts attempts), then shows a page.
 */
import { type Application, externalUrl, OUTPOST_PREFIX } from '../app/application.ts';
import type { RuntimeContext } from '../context.ts';
import { type Reply, redirectReply } from '../http/reply.ts';
import type { OAuthState } from '../session/oauth-state.ts';
import { clearedCookies, readSession, signedInCookies } from '../session/session-store.ts';
import type { SessionClaims } from '../types.ts';
import { pageReply } from '../unauthenticated-page.ts';
import { validateRedirect } from '../url/redirect-target.ts';

/** Automatic restarts of one sign-in before the user is shown a page. */
export const MAX_AUTOMATIC_RETRIES = 1;

/** Redeems the code at the token endpoint (client credentials in the body, spec §2.4). */
async function redeemCode(app: Application, ctx: RuntimeContext, code: string): Promise<string> {
  const res = await ctx.options.coreFetch(app.endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: app.redirectUri,
      client_id: app.config.client_id,
      client_secret: app.config.client_secret,
    }).toString(),
  });
  const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok || typeof answer.access_token !== 'string')
    throw new Error(
      `failed to redeem code (HTTP ${res.status}${typeof answer.error === 'string' ? `, ${answer.error}` : ''})`,
    );
  return answer.access_token;
}

/** Where to go after sign-in: the state's redirect if it still validates, else external_host. */
const destination = (app: Application, state: OAuthState | undefined): string =>
  (state && state.redirect !== '' && validateRedirect(state.redirect, app.redirectRules)) ||
  app.external.href;

function failed(
  app: Application,
  ctx: RuntimeContext,
  reason: string,
  state: OAuthState | undefined,
  setCookies: readonly string[],
  detail: Record<string, unknown> = {},
): Reply {
  ctx.signInFailed(app, reason, detail);
  const target = destination(app, state);
  const retry = `${externalUrl(app, `${OUTPOST_PREFIX}/start`)}?rd=${encodeURIComponent(target)}`;
  if (state && state.attempt < MAX_AUTOMATIC_RETRIES) return redirectReply(`${retry}&retry=1`, setCookies);
  return pageReply(
    401,
    {
      title: 'Sign-in failed',
      message: 'The sign-in could not be completed.',
      link: { href: retry, label: 'Try again' },
    },
    setCookies,
  );
}

/** Handles a callback whose parameters are `params` (the request's query, or the forward URL's). */
export async function handleCallback(
  app: Application,
  ctx: RuntimeContext,
  params: URLSearchParams,
  cookies: ReadonlyMap<string, string>,
): Promise<Reply> {
  const read = readSession(app, cookies, ctx);
  const bad = read.problem === 'malformed' || read.problem === 'revoked' ? clearedCookies(app, cookies) : [];
  const verdict = await app.states.verify(
    params.get('state') ?? '',
    read.problem === 'revoked' ? undefined : read.session?.sid,
  );
  if (!verdict.state) return failed(app, ctx, 'invalid state', undefined, bad);
  const state = verdict.state;
  if (verdict.reason) {
    // Another tab finished first and this browser is signed in: nothing to redeem, just go where this one began.
    if (read.session?.claims) return redirectReply(destination(app, state));
    return failed(app, ctx, verdict.reason, state, bad, { has_session: read.session !== undefined });
  }
  const session = read.session;
  if (!session) return failed(app, ctx, 'no session', state, bad);
  const error = params.get('error');
  if (error !== null) {
    ctx.signInFailed(app, 'authorization refused', { error: error.slice(0, 64) });
    return pageReply(403, { title: 'Access denied', message: 'You may not use this application.' }, bad);
  }
  const code = params.get('code');
  if (!code) return failed(app, ctx, 'no code', state, bad);
  let claims: SessionClaims;
  try {
    claims = await app.verifier.verify(await redeemCode(app, ctx, code));
  } catch (error) {
    return failed(app, ctx, 'code exchange or token verification failed', state, bad, {
      error: (error as Error).message,
    });
  }
  ctx.revocations.observeExpiry(claims.exp);
  const setCookies = signedInCookies(app, session, claims, cookies, ctx.now);
  if (!setCookies)
    return failed(
      app,
      ctx,
      'session too large for cookies',
      { ...state, attempt: MAX_AUTOMATIC_RETRIES },
      bad,
    );
  ctx.options.log.info({ provider: app.config.name, sub: claims.sub }, 'signed in');
  return redirectReply(destination(app, state), setCookies);
}
