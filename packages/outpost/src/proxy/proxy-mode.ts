/**
 * Proxy mode's catch-all (spec §6): sign the request in, then hand it to the reverse proxy with the identity
 * headers; allow-listed paths go without them; anything else is sent to sign in (§6.2). The upstream receives
 * the canonical path, the one the skip rules were checked against, so the two cannot disagree.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Application } from './app/application.ts';
import { authorize } from './auth/authorize.ts';
import { identityHeaders } from './auth/identity-headers.ts';
import type { RuntimeContext } from './context.ts';
import { redirectToStart } from './flows/redirect-to-start.ts';
import { type ClientInfo } from './http/request-info.ts';
import type { Reply } from './http/reply.ts';
import { parseCookies } from './session/cookies.ts';
import { sessionCookieNames } from './session/session-cookie.ts';
import type { ReverseProxy, UpstreamRequest } from './types.ts';
import type { CanonicalUrl } from './url/canonical.ts';

/** Either an upstream hand-over or a reply to write. */
export type ProxyOutcome = { upstream: UpstreamRequest; setCookies: readonly string[] } | { reply: Reply };

/** Decides a proxy-mode request; on a pass the request's URL is rewritten to its canonical form. */
export async function proxyDecision(
  app: Application,
  ctx: RuntimeContext,
  req: IncomingMessage,
  url: CanonicalUrl,
  client: ClientInfo,
): Promise<ProxyOutcome> {
  const authorization = req.headers.authorization;
  const decision = await authorize(app, ctx, {
    url,
    cookies: parseCookies(req.headers.cookie),
    authorization,
  });
  if (decision.outcome === 'deny')
    return {
      reply: redirectToStart(
        app,
        { url, hasAuthorization: authorization !== undefined },
        decision.setCookies,
      ),
    };
  // RFC 3986 §6.2.2: what goes upstream is the normalised path the rules saw (encoded separators stay encoded).
  req.url = `${url.path}${url.query ? `?${url.query}` : ''}`;
  const claims = decision.outcome === 'allow' ? decision.claims : undefined;
  const upstream: UpstreamRequest = {
    provider: app.config,
    claims,
    identityHeaders: claims
      ? identityHeaders(app, claims, { outpostName: ctx.outpost().name, version: ctx.options.version })
      : {},
    clientScheme: client.scheme,
    clientHost: client.host,
    clientAddress: client.address,
    sessionCookieNames: sessionCookieNames(app.jar.name),
    consumedAuthorization: decision.outcome === 'allow' && decision.consumedAuthorization,
  };
  return { upstream, setCookies: decision.setCookies };
}

/** Hands a decided request to the reverse proxy (Set-Cookie from header sign-in goes out with its answer). */
export function forwardRequest(
  reverseProxy: ReverseProxy,
  req: IncomingMessage,
  res: ServerResponse,
  outcome: { upstream: UpstreamRequest; setCookies: readonly string[] },
): void {
  if (outcome.setCookies.length > 0) res.setHeader('Set-Cookie', [...outcome.setCookies]);
  reverseProxy.forward(req, res, outcome.upstream);
}
