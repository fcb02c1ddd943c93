/**
 * Header rewriting of proxy mode, both directions, on node:http's flat `rawHeaders` arrays (name, value,
 * name, value, ...), which keep the sender's spelling and repeated fields (Set-Cookie) and cost no object.
 */
import type { IncomingMessage } from 'node:http';
import { forwardedHeaders, isForwardingHeader } from './forwarded-headers.ts';
import type { UpstreamRequest } from './types.ts';

// RFC 9110 §7.6.1: fields that describe one connection, not the message, and must not be forwarded.
// Proxy-Connection is the pre-standard spelling clients still send; Trailer and TE are re-announced
// separately where they still apply to the next hop (RFC 9110 §6.6.2, §10.1.4).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'trailer',
]);

// RFC 9110 §9.3: methods for which node:http does not frame a body by default; any other method without
// Content-Length would go out chunked, so an empty body is sent as Content-Length: 0 instead.
const BODYLESS_BY_DEFAULT = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

// RFC 9110 §5.6.2: what a field name may consist of.
const TOKEN = /^[!#$%&'*+\-.^`|~0-9A-Za-z]+$/;

/** RFC 9110 §7.6.1: the field names a Connection header lists are hop-by-hop too (lower case). */
export function connectionOptions(rawHeaders: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() !== 'connection') continue;
    for (const token of (rawHeaders[i + 1] ?? '').split(',')) {
      const name = token.trim().toLowerCase();
      if (name) names.add(name);
    }
  }
  return names;
}

function isSessionCookie(name: string, sessionCookieNames: readonly string[]): boolean {
  for (const session of sessionCookieNames) {
    if (name === session) return true;
    // Chunk cookies `<name>_1`, `<name>_2`, ... carry the rest of an oversized session.
    if (name.startsWith(`${session}_`) && /^\d+$/.test(name.slice(session.length + 1))) return true;
  }
  return false;
}

/** A Cookie header without the provider's session cookies (RFC 6265 §4.2.1 syntax); undefined when empty. */
export function withoutSessionCookies(
  cookie: string,
  sessionCookieNames: readonly string[],
): string | undefined {
  if (!sessionCookieNames.some((name) => cookie.includes(name))) return cookie;
  const kept = cookie
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair && !isSessionCookie(pair.split('=', 1)[0]?.trim() ?? '', sessionCookieNames));
  return kept.length > 0 ? kept.join('; ') : undefined;
}

/**
 * A header value as node:http must write it: non-ASCII text goes out as its UTF-8 bytes (what Go's outpost
 * sends for a name like "Zoë"); a value with control characters would be refused by node:http, so it is
 * undefined (dropped).
 */
export function wireHeaderValue(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being detected
  const wire = /[^\x00-\x7f]/.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
  // eslint-disable-next-line no-control-regex -- same
  return /[\x00-\x08\x0a-\x1f\x7f]/.test(wire) ? undefined : wire;
}

/**
 * The headers of the upstream request: the client's, less hop-by-hop fields and everything a client could
 * spoof, plus Host, X-Forwarded-*, the identity headers and framing for the next hop. `upgrade` is the
 * protocol asked for when this is an upgrade (the one case where Upgrade passes, RFC 9110 §7.8).
 */
export function upstreamRequestHeaders(
  req: IncomingMessage,
  upstream: UpstreamRequest,
  upgrade?: string,
): { headers: string[]; dropped: string[] } {
  const raw = req.rawHeaders;
  const listed = connectionOptions(raw);
  const identity = new Set(Object.keys(upstream.identityHeaders).map((name) => name.toLowerCase()));
  const headers: string[] = [];
  const dropped: string[] = [];
  let hasContentLength = false;
  let wantsTrailers = false;
  let trailer: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? '';
    let value = raw[i + 1] ?? '';
    const lower = name.toLowerCase();
    if (lower === 'te') {
      // RFC 9110 §10.1.4: TE is hop-by-hop, but "trailers" tells the next hop that trailers reach the client.
      wantsTrailers ||= /(^|,)\s*trailers\s*(;|,|$)/i.test(value);
      continue;
    }
    if (lower === 'trailer') trailer = value;
    if (lower === 'content-length') {
      // The body's framing, which node:http already parsed: a Connection option must not drop it, or the
      // body would follow a request announced as empty (request smuggling, RFC 9112 §11.2).
      if (upgrade !== undefined) continue;
      hasContentLength = true;
      headers.push(name, value);
      continue;
    }
    if (HOP_BY_HOP.has(lower) || listed.has(lower) || lower === 'host' || isForwardingHeader(lower)) continue;
    // Spec §5.1: identity headers come only from the outpost. Servers that map `_` to `-` (nginx, PHP,
    // CGI) would read X_AUTHENTIK_USERNAME as X-Authentik-Username (oauth2-proxy CVE-2025-64484).
    if (lower.startsWith('x-authentik-') || lower.includes('_') || identity.has(lower)) {
      dropped.push(name);
      continue;
    }
    if (lower === 'authorization' && upstream.consumedAuthorization) continue;
    if (lower === 'cookie') {
      const kept = withoutSessionCookies(value, upstream.sessionCookieNames);
      if (kept === undefined) continue;
      value = kept;
    }
    headers.push(name, value);
  }

  const hostHeader = wireHeaderValue(upstream.claims?.ak_proxy?.host_header ?? '');
  headers.push('Host', hostHeader ? hostHeader : upstream.clientHost, ...forwardedHeaders(upstream));
  for (const [name, value] of Object.entries(upstream.identityHeaders)) {
    const wire = wireHeaderValue(value);
    // Spec §5.1: after setting, every name with `_` is removed, ours included (additionalHeaders); a name
    // that is no RFC 9110 §5.6.2 token (from user attributes) cannot be sent at all.
    if (wire === undefined || name.includes('_') || !TOKEN.test(name)) dropped.push(name);
    else headers.push(name, wire);
  }
  if (wantsTrailers) headers.push('TE', 'trailers');

  if (upgrade !== undefined) {
    headers.push('Connection', 'Upgrade', 'Upgrade', upgrade);
  } else if (!hasContentLength) {
    // RFC 9112 §6.3: a request with neither Content-Length nor Transfer-Encoding has no content. A chunked
    // one is re-chunked for this hop (Transfer-Encoding is hop-by-hop), its trailers announced again.
    const isChunked = req.headers['transfer-encoding'] !== undefined;
    if (isChunked) headers.push('Transfer-Encoding', 'chunked', ...(trailer ? ['Trailer', trailer] : []));
    else if (!BODYLESS_BY_DEFAULT.has(req.method ?? 'GET')) headers.push('Content-Length', '0');
  }
  return { headers, dropped };
}

/**
 * The headers of the client's response: the upstream's, less hop-by-hop fields (RFC 9110 §7.6.1), plus
 * `X-Powered-By: goauthentik.io` (spec §6.1 step 6). `announceTrailers`: the response goes out chunked, so
 * the upstream's Trailer announcement still holds (RFC 9110 §6.6.2).
 */
export function downstreamResponseHeaders(
  rawHeaders: readonly string[],
  announceTrailers: boolean,
): string[] {
  const listed = connectionOptions(rawHeaders);
  const headers: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    const lower = name.toLowerCase();
    if (lower === 'trailer' && announceTrailers) headers.push(name, rawHeaders[i + 1] ?? '');
    if (HOP_BY_HOP.has(lower) || listed.has(lower) || lower === 'x-powered-by') continue;
    headers.push(name, rawHeaders[i + 1] ?? '');
  }
  headers.push('X-Powered-By', 'goauthentik.io');
  return headers;
}

/** Trailer fields to pass on as `[name, value]` pairs, hop-by-hop ones left out (RFC 9110 §6.5.1). */
export function forwardableTrailers(rawTrailers: readonly string[]): [string, string][] {
  const trailers: [string, string][] = [];
  for (let i = 0; i < rawTrailers.length; i += 2) {
    const name = rawTrailers[i] ?? '';
    if (!HOP_BY_HOP.has(name.toLowerCase())) trailers.push([name, rawTrailers[i + 1] ?? '']);
  }
  return trailers;
}
