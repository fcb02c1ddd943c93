/**
 * Where each forward-auth adapter reads the original request (issue 13, findings 1 and 2). Only what the
 * proxy itself sets decides: the application, the session cookie and the policy decision all come from the
 * one host of the original URL, and when another header the request carries names a different host or
 * target, the answer is 401 (a client wrote it, or the proxy is misconfigured; either way it is not believed).
 *
 * - nginx (`auth/nginx`; the documented block and ingress-nginx both set `X-Original-URL` to
 *   `$scheme://$http_host$request_uri`): the URL is X-Original-URL. X-Original-URI, which neither sets (so
 *   nginx passes a client's through), is never used on its own: when present it must name the same path and
 *   query. X-Forwarded-Host, when present, must name the same host. Host is not compared: ingress-nginx sends
 *   the auth service's name there. (The reference prefers X-Original-URI and lets any original path under
 *   /outpost.goauthentik.io through with 200; neither is kept: the documented proxies send the outpost's paths
 *   to the outpost without auth_request, so a 401 there costs nothing, while that 200 served an app's path.)
 * - Traefik and Caddy (`auth/traefik`, `auth/caddy`): X-Forwarded-Proto + X-Forwarded-Host + X-Forwarded-Uri,
 *   as both proxies set them. A repeated X-Forwarded-Uri, or X-Forwarded-Host entries (repeated or
 *   comma-joined) naming different hosts, or an X-Original-URL of another host: 401. Host is not compared
 *   (Traefik sends the outpost's own address).
 * - Envoy (`auth/envoy<path>`): the host is Host (the original host, as Envoy sends it); X-Forwarded-Host and
 *   X-Original-URL, when the filter passes them, must name the same host.
 * Hosts are compared in canonical form (case, IDNA, one trailing dot, default ports).
 */
import type { IncomingMessage } from 'node:http';
import { OUTPOST_PREFIX } from '../app/application.ts';
import { firstHeader } from '../http/request-info.ts';
import { canonicalHost, canonicalPath, canonicalUrl, type CanonicalUrl } from '../url/canonical.ts';

/** The proxy protocol an auth endpoint speaks. */
export type ForwardProxy = 'Traefik' | 'Caddy' | 'nginx' | 'Envoy';

/** Two of the request's headers disagree about the original request. */
export interface Conflict {
  /** `host` (finding 2) or `target` (the path and query, finding 1), or `repeated` (one header, two values). */
  kind: 'host' | 'target' | 'repeated';
  /** The header whose value was not believed. */
  header: string;
  /** What the adapter's own source says. */
  expected: string;
  /** What the other header says. */
  found: string;
}

/** The original request as an adapter reads it. */
export interface OriginalRequest {
  /** The forward URL as the proxy gave it ('' when it gave none). */
  raw: string;
  /** Canonical; undefined when `raw` is missing or unusable (a misconfiguration: 500). */
  url?: CanonicalUrl;
  /**
   * The canonical host the application is chosen by: the URL's, or, when the URL is unusable, the host its
   * adapter reads (so the misconfiguration is reported by that application); undefined: use Host.
   */
  host?: string;
  /** Set when two sources disagree: the answer is 401. */
  conflict?: Conflict;
}

/** The path prefix of the Envoy endpoint. */
export const ENVOY_PREFIX = `${OUTPOST_PREFIX}/auth/envoy`;

/** The adapter a request path names, if it names one (`path` canonical, `rawPath` as sent). */
export function forwardProxyOf(path: string, rawPath: string): ForwardProxy | undefined {
  if (path === `${OUTPOST_PREFIX}/auth/nginx`) return 'nginx';
  if (path === `${OUTPOST_PREFIX}/auth/traefik`) return 'Traefik';
  if (path === `${OUTPOST_PREFIX}/auth/caddy`) return 'Caddy';
  if (rawPath === ENVOY_PREFIX || rawPath.startsWith(`${ENVOY_PREFIX}/`)) return 'Envoy';
  return undefined;
}

/** Every value a header arrived with, each line apart (node:http joins repeated unknown headers with `, `). */
function headerLines(req: IncomingMessage, name: string): string[] {
  const distinct = req.headersDistinct as IncomingMessage['headersDistinct'] | undefined;
  const lines = distinct ? distinct[name] : ([] as string[]).concat(req.headers[name] ?? []);
  return (lines ?? []).filter((line) => line.trim() !== '');
}

/** Every entry of a list-valued header (X-Forwarded-Host), across lines and commas. */
const listEntries = (req: IncomingMessage, name: string): string[] =>
  headerLines(req, name)
    .flatMap((line) => line.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

/** The path and query of an absolute URL string (`$request_uri` of nginx's X-Original-URL). */
const targetOf = (url: string): string => /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(url)?.[1] ?? '';

/** Whether an X-Original-URI names the same path (canonically) and query as the URL's own. */
function isSameTarget(uri: string, url: CanonicalUrl): boolean {
  if (!uri.startsWith('/')) return false;
  const queryAt = uri.indexOf('?');
  const path = queryAt === -1 ? uri : uri.slice(0, queryAt);
  const query = queryAt === -1 ? '' : uri.slice(queryAt + 1);
  return canonicalPath(path).path === url.path && query === url.query;
}

/** A value fit for a log line: bounded (it may be anything a client wrote). */
const bounded = (value: string): string => (value.length > 200 ? `${value.slice(0, 200)}…` : value);

/** The first other host (from `header`'s `entries`) that is not `host`, as a conflict. */
function hostConflict(host: string, header: string, entries: readonly string[]): Conflict | undefined {
  for (const entry of entries)
    if (canonicalHost(entry) !== host) return { kind: 'host', header, expected: host, found: bounded(entry) };
  return undefined;
}

/** The hosts of every X-Original-URL line (an unreadable one counts as a host of its own). */
const originalUrlHosts = (req: IncomingMessage): string[] =>
  headerLines(req, 'x-original-url').map((line) => canonicalUrl(line)?.host ?? line);

/** `header`'s lines when it arrived more than once with different values. */
function repeated(req: IncomingMessage, header: string, expected: string): Conflict | undefined {
  const other = headerLines(req, header).find((line) => line !== expected);
  return other === undefined ? undefined : { kind: 'repeated', header, expected, found: bounded(other) };
}

function nginxOriginal(req: IncomingMessage): OriginalRequest {
  const raw = headerLines(req, 'x-original-url')[0] ?? '';
  const url = canonicalUrl(raw);
  if (!url) return { raw };
  const conflict =
    repeated(req, 'x-original-url', raw) ??
    headerLines(req, 'x-original-uri')
      .filter((uri) => !isSameTarget(uri, url))
      .map((uri): Conflict => ({
        kind: 'target',
        header: 'x-original-uri',
        expected: targetOf(raw),
        found: bounded(uri),
      }))[0] ??
    hostConflict(url.host, 'x-forwarded-host', listEntries(req, 'x-forwarded-host'));
  return { raw, url, host: url.host, conflict };
}

function forwardedOriginal(req: IncomingMessage): OriginalRequest {
  const proto = firstHeader(req, 'x-forwarded-proto') ?? '';
  const hosts = listEntries(req, 'x-forwarded-host');
  const uri = headerLines(req, 'x-forwarded-uri')[0] ?? '';
  const host = hosts[0] ?? '';
  const raw = proto === '' && host === '' && uri === '' ? '' : `${proto}://${host}${uri || '/'}`;
  const url = canonicalUrl(raw);
  if (!url) return { raw, host: canonicalHost(host) };
  const conflict =
    repeated(req, 'x-forwarded-uri', uri) ??
    hostConflict(url.host, 'x-forwarded-host', hosts) ??
    hostConflict(url.host, 'x-original-url', originalUrlHosts(req));
  return { raw, url, host: url.host, conflict };
}

function envoyOriginal(req: IncomingMessage, defaultScheme: 'http' | 'https'): OriginalRequest {
  const rest = (req.url ?? '').slice(ENVOY_PREFIX.length);
  const path = rest === '' || rest.startsWith('?') ? `/${rest}` : rest;
  const proto = firstHeader(req, 'x-forwarded-proto')?.toLowerCase();
  const scheme = proto === 'https' || proto === 'http' ? proto : defaultScheme;
  const hostHeader = headerLines(req, 'host')[0] ?? '';
  const raw = path.startsWith('/') ? `${scheme}://${hostHeader}${path}` : '';
  const url = canonicalUrl(raw);
  if (!url) return { raw };
  const conflict =
    hostConflict(url.host, 'host', headerLines(req, 'host')) ??
    hostConflict(url.host, 'x-forwarded-host', listEntries(req, 'x-forwarded-host')) ??
    hostConflict(url.host, 'x-original-url', originalUrlHosts(req));
  return { raw, url, host: url.host, conflict };
}

/**
 * The original request of a forward-auth call by `proxy`. `defaultScheme` is the application's, for Envoy
 * without X-Forwarded-Proto (the host never depends on it, so routing may pass any).
 */
export function originalRequestOf(
  req: IncomingMessage,
  proxy: ForwardProxy,
  defaultScheme: 'http' | 'https',
): OriginalRequest {
  if (proxy === 'nginx') return nginxOriginal(req);
  if (proxy === 'Envoy') return envoyOriginal(req, defaultScheme);
  return forwardedOriginal(req);
}
