/**
 * Traefik `forwardAuth` and Caddy `forward_auth` (identical contracts): the original URL from
 * X-Forwarded-Proto/Host/Uri (original-request.ts); 200 with identity headers, or 302 straight to the core's
 * authorize URL (the proxy relays non-2xx answers to the browser). A callback or logout signature in the
 * original URL's query is handled here, since such a URL reaches the outpost only through the auth request.
 */
import type { IncomingMessage } from 'node:http';
import type { Application } from '../app/application.ts';
import { authorize } from '../auth/authorize.ts';
import type { RuntimeContext } from '../context.ts';
import { handleCallback } from '../flows/callback.ts';
import { handleSignOut } from '../flows/sign-out.ts';
import { startSignIn } from '../flows/start.ts';
import type { Reply } from '../http/reply.ts';
import type { CanonicalUrl } from '../url/canonical.ts';
import { validateRedirect } from '../url/redirect-target.ts';
import { allowlistedReply, allowReply, authRequestOf, configurationError, conflictReply } from './common.ts';
import type { OriginalRequest } from './original-request.ts';
import { signatureOf } from './signatures.ts';

/** Decides for the original request `url` and answers 200 or a 302 into sign-in. */
export async function decideOrStart(
  app: Application,
  ctx: RuntimeContext,
  req: IncomingMessage,
  url: CanonicalUrl,
  raw: string,
): Promise<Reply> {
  const request = authRequestOf(req, url);
  const signature = signatureOf(new URLSearchParams(url.query));
  if (signature === 'callback')
    return handleCallback(app, ctx, new URLSearchParams(url.query), request.cookies);
  if (signature === 'logout')
    return handleSignOut(app, ctx, {
      url,
      cookies: request.cookies,
      hasAuthorization: request.authorization !== undefined,
    });
  const decision = await authorize(app, ctx, request);
  if (decision.outcome === 'allow') return allowReply(app, ctx, req, decision.claims, decision.setCookies);
  if (decision.outcome === 'allowlisted') return allowlistedReply(decision.setCookies);
  return startSignIn(app, ctx, {
    cookies: request.cookies,
    session: decision.session,
    redirect: validateRedirect(raw, app.redirectRules) ?? '',
    setCookies: decision.setCookies,
  });
}

/** Answers `/outpost.goauthentik.io/auth/traefik` and `/auth/caddy` for `app`, chosen by `original`'s host. */
export async function traefikAuth(
  app: Application,
  ctx: RuntimeContext,
  req: IncomingMessage,
  proxy: 'Traefik' | 'Caddy',
  original: OriginalRequest,
): Promise<Reply> {
  if (!original.url) return configurationError(app, ctx, req, proxy, original.raw);
  if (original.conflict) return conflictReply(app, ctx, proxy, original.conflict);
  return decideOrStart(app, ctx, req, original.url, original.raw);
}
