/**
 * Routes one request inside an application (spec §3.1 step 5): the forward-auth endpoints (forward modes),
 * the query signatures, start / callback / sign_out, then proxy mode's catch-all or a 404.
 */
import type { IncomingMessage } from 'node:http';
import { type Application, OUTPOST_PREFIX } from './app/application.ts';
import type { RuntimeContext } from './context.ts';
import { handleCallback } from './flows/callback.ts';
import { handleSignOut } from './flows/sign-out.ts';
import { handleStart } from './flows/start.ts';
import { envoyAuth } from './forward-auth/envoy.ts';
import { nginxAuth } from './forward-auth/nginx.ts';
import type { ForwardProxy, OriginalRequest } from './forward-auth/original-request.ts';
import { signatureOf } from './forward-auth/signatures.ts';
import { traefikAuth } from './forward-auth/traefik.ts';
import type { ClientInfo } from './http/request-info.ts';
import { textReply } from './http/reply.ts';
import { type ProxyOutcome, proxyDecision } from './proxy-mode.ts';
import { parseCookies } from './session/cookies.ts';
import { canonicalPath, type CanonicalUrl } from './url/canonical.ts';

/** A forward-auth call: which adapter its path names, and the original request routing read for it. */
export interface ForwardCall {
  proxy: ForwardProxy;
  original: OriginalRequest;
}

/** Answers a request for `app`, which `host` (canonical) picked; `forward` when its path is an auth endpoint. */
export async function routeAppRequest(
  app: Application,
  ctx: RuntimeContext,
  req: IncomingMessage,
  host: string,
  client: ClientInfo,
  forward?: ForwardCall,
): Promise<ProxyOutcome> {
  const target = req.url ?? '/';
  const queryAt = target.indexOf('?');
  const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = queryAt === -1 ? '' : target.slice(queryAt + 1);
  const { path, isAmbiguous } = canonicalPath(rawPath);
  if (app.config.mode !== 'proxy' && forward) {
    // The auth endpoints read the original request from their headers; signatures there are the forward URL's.
    if (forward.proxy === 'nginx') return { reply: await nginxAuth(app, ctx, req, forward.original) };
    if (forward.proxy === 'Envoy') return { reply: await envoyAuth(app, ctx, req) };
    return { reply: await traefikAuth(app, ctx, req, forward.proxy, forward.original) };
  }
  const cookies = parseCookies(req.headers.cookie);
  const params = new URLSearchParams(query);
  const url: CanonicalUrl = { scheme: client.scheme, host, path, query, isAmbiguous };
  const hasAuthorization = req.headers.authorization !== undefined;
  const signature = signatureOf(params);
  if (signature === 'callback' || path === `${OUTPOST_PREFIX}/callback`)
    return { reply: await handleCallback(app, ctx, params, cookies) };
  if (signature === 'logout' || path === `${OUTPOST_PREFIX}/sign_out`)
    return { reply: handleSignOut(app, ctx, { url, cookies, hasAuthorization }) };
  if (path === `${OUTPOST_PREFIX}/start`) return { reply: await handleStart(app, ctx, params, cookies) };
  if (app.config.mode === 'proxy') return proxyDecision(app, ctx, req, url, client);
  return { reply: textReply(404, 'not found') };
}
