/** What the forward-auth adapters share: the success answers and the misconfiguration answer (spec §3.5, §9.3). */
import type { IncomingMessage } from 'node:http';
import { redactUrl } from '@palisade/schema/redact-url';
import type { Application } from '../app/application.ts';
import type { AuthRequest } from '../auth/authorize.ts';
import { emptyIdentityHeaders, identityHeaders } from '../auth/identity-headers.ts';
import type { RuntimeContext } from '../context.ts';
import { type Reply, textReply } from '../http/reply.ts';
import { parseCookies } from '../session/cookies.ts';
import type { SessionClaims } from '../types.ts';
import type { CanonicalUrl } from '../url/canonical.ts';
import type { Conflict, ForwardProxy } from './original-request.ts';

/** Headers never copied into a configuration_error event (they carry credentials). */
const REDACTED = new Set(['cookie', 'authorization', 'proxy-authorization']);

/** The decision's input for the original request `url`. */
export function authRequestOf(req: IncomingMessage, url: CanonicalUrl): AuthRequest {
  return { url, cookies: parseCookies(req.headers.cookie), authorization: req.headers.authorization };
}

/**
 * 200 with the identity headers, freshly computed: nothing the client sent (`X-Authentik-*`, `X_Authentik_*`)
 * can come back, since a response carries only what we set.
 */
export function allowReply(
  app: Application,
  ctx: RuntimeContext,
  req: IncomingMessage,
  claims: SessionClaims,
  setCookies: readonly string[],
): Reply {
  const headers = identityHeaders(app, claims, {
    outpostName: ctx.outpost().name,
    version: ctx.options.version,
  });
  const userAgent = req.headers['user-agent'];
  if (userAgent) headers['User-Agent'] = userAgent;
  return { status: 200, headers, setCookies };
}

/**
 * 200 for an allow-listed request: every identity header present and empty, so a proxy that copies them
 * overwrites whatever the client sent rather than passing it on.
 */
export const allowlistedReply = (setCookies: readonly string[]): Reply => ({
  status: 200,
  headers: emptyIdentityHeaders(),
  setCookies,
});

/**
 * 401 for a request whose headers disagree about the original request (original-request.ts), logged once a
 * minute per provider and reason as a configuration problem: a host disagreement as an error naming both
 * hosts, a path disagreement as a warning. The values are bounded and their URLs redacted (no codes, tokens).
 */
export function conflictReply(
  app: Application,
  ctx: RuntimeContext,
  proxy: ForwardProxy,
  conflict: Conflict,
): Reply {
  const provider = app.config.name;
  ctx.rateLimited(`${provider}\0${proxy}\0${conflict.kind}\0${conflict.header}`, (suppressed) => {
    const fields = {
      provider,
      proxy,
      reason: `${conflict.kind} disagreement`,
      header: conflict.header,
      expected: redactUrl(conflict.expected),
      found: redactUrl(conflict.found),
      suppressed,
    };
    if (conflict.kind === 'host')
      ctx.options.log.error(
        fields,
        `configuration error: ${conflict.header} names host ${fields.found}, the original URL ${fields.expected}; refused`,
      );
    else
      ctx.options.log.warn(
        fields,
        `configuration warning: ${conflict.header} disagrees with the original URL; refused`,
      );
  });
  // Empty for nginx, like its other 401 (kept-alive upstream connections); a short text for the others, whose
  // proxies show it to the browser.
  return proxy === 'nginx' ? { status: 401 } : textReply(401, 'unauthorized request');
}

/** 500 `configuration error`, and a configuration_error event to the core (never throws). */
export function configurationError(
  app: Application,
  ctx: RuntimeContext,
  req: IncomingMessage,
  proxy: ForwardProxy,
  url: string,
): Reply {
  const outpost = ctx.outpost().name;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (!REDACTED.has(name) && value !== undefined)
      headers[name] = redactUrl(Array.isArray(value) ? (value[0] ?? '') : value);
  // X-Original-URI alone is never believed (original-request.ts): say what to set instead.
  const hint =
    proxy === 'nginx' && req.headers['x-original-uri'] !== undefined
      ? 'X-Original-URI alone is not trusted: set X-Original-URL $scheme://$http_host$request_uri'
      : undefined;
  ctx.options.log.warn(
    { provider: app.config.name, reason: 'no forward URL', proxy, ...(hint ? { hint } : {}) },
    'forward auth request without the original URL',
  );
  ctx.options.postEvent({
    action: 'configuration_error',
    app: 'authentik.providers.proxy',
    client_ip: req.socket.remoteAddress ?? '',
    context: {
      message: `Outpost ${outpost} (Provider ${app.config.name}) failed to detect a forward URL from ${proxy}`,
      provider: app.config.name,
      outpost,
      url: redactUrl(url),
      headers,
    },
  });
  return textReply(500, 'configuration error');
}
