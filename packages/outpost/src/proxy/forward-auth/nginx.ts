/**
 * nginx `auth_request` (also ingress-nginx, NPM, HAProxy): 200 with identity headers, or an empty 401; never
 * a redirect (nginx maps the 401 to the start URL with `error_page`).
 * The original URL comes from X-Original-URI (a path, on the request's host) or X-Original-URL.
 */
import type { IncomingMessage } from 'node:http';
import { type Application, OUTPOST_PREFIX } from '../app/application.ts';
import { authorize } from '../auth/authorize.ts';
import type { RuntimeContext } from '../context.ts';
import { firstHeader } from '../http/request-info.ts';
import type { Reply } from '../http/reply.ts';
import { canonicalUrl } from '../url/canonical.ts';
import { allowlistedReply, allowReply, authRequestOf, configurationError } from './common.ts';

/** Answers `/outpost.goauthentik.io/auth/nginx` for the app on `host`. */
export async function nginxAuth(
  app: Application,
  ctx: RuntimeContext,
  req: IncomingMessage,
  host: string,
): Promise<Reply> {
  const uri = req.headers['x-original-uri'];
  const fullUrl = req.headers['x-original-url'];
  let forward: string | undefined;
  if (typeof uri === 'string' && uri !== '') {
    const scheme =
      firstHeader(req, 'x-forwarded-proto')?.toLowerCase() === 'https'
        ? 'https'
        : app.external.protocol.slice(0, -1);
    forward = uri.startsWith('/') ? `${scheme}://${host}${uri}` : undefined;
  } else if (typeof fullUrl === 'string') forward = fullUrl;
  const url = forward === undefined ? undefined : canonicalUrl(forward);
  if (!url) return configurationError(app, ctx, req, 'nginx', String(uri ?? fullUrl ?? ''));
  const decision = await authorize(app, ctx, authRequestOf(req, url));
  if (decision.outcome === 'allow') return allowReply(app, ctx, req, decision.claims, decision.setCookies);
  if (decision.outcome === 'allowlisted') return allowlistedReply(decision.setCookies);
  // The outpost's own paths are served by the outpost (the nginx snippets route them there without auth).
  if (url.path.startsWith(`${OUTPOST_PREFIX}/`) && !url.isAmbiguous)
    return allowlistedReply(decision.setCookies);
  // Empty, unlike the reference's `unauthorized request`: nginx never shows an auth subrequest's body, and
  // it closes a kept-alive upstream connection that answers one with a body, so each refused check would
  // cost a new connection (docs/benchmarks.md measures it: about a third of the rate).
  return { status: 401, setCookies: decision.setCookies };
}
