/**
 * nginx `auth_request` (also ingress-nginx, NPM, HAProxy): 200 with identity headers, or an empty 401; never
 * a redirect (nginx maps the 401 to the start URL with `error_page`). The original URL is X-Original-URL, and
 * nothing else: original-request.ts says which headers are compared with it, and why (issue 13, finding 1).
 */
import type { IncomingMessage } from 'node:http';
import type { Application } from '../app/application.ts';
import { authorize } from '../auth/authorize.ts';
import type { RuntimeContext } from '../context.ts';
import type { Reply } from '../http/reply.ts';
import { allowlistedReply, allowReply, authRequestOf, configurationError, conflictReply } from './common.ts';
import type { OriginalRequest } from './original-request.ts';

/** Answers `/outpost.goauthentik.io/auth/nginx` for `app`, chosen by the host of `original`. */
export async function nginxAuth(
  app: Application,
  ctx: RuntimeContext,
  req: IncomingMessage,
  original: OriginalRequest,
): Promise<Reply> {
  const { url } = original;
  if (!url) return configurationError(app, ctx, req, 'nginx', original.raw);
  if (original.conflict) return conflictReply(app, ctx, 'nginx', original.conflict);
  const decision = await authorize(app, ctx, authRequestOf(req, url));
  if (decision.outcome === 'allow') return allowReply(app, ctx, req, decision.claims, decision.setCookies);
  if (decision.outcome === 'allowlisted') return allowlistedReply(decision.setCookies);
  // No allowance for original paths under /outpost.goauthentik.io (the reference answers 200 there): the
  // documented proxies route those to the outpost without auth_request, and that 200 served an application's
  // path unauthenticated to any client that wrote such an X-Original-URI (issue 13, finding 1).
  // Empty, unlike the reference's `unauthorized request`: nginx never shows an auth subrequest's body, and
  // it closes a kept-alive upstream connection that answers one with a body, so each refused check would
  // cost a new connection (docs/benchmarks.md measures it: about a third of the rate).
  return { status: 401, setCookies: decision.setCookies };
}
