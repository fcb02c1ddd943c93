/**
 * The identity headers (spec §5.1, §5.2), spelled as Go canonicalises them (`X-Authentik-Username`), which is
 * what Caddy's copy_headers and Traefik's authResponseHeaders match.
 */
import { IDENTITY_RESPONSE_HEADERS } from '@palisade/schema/identity-headers';
import type { Application } from '../app/application.ts';
import type { SessionClaims } from '../types.ts';

/** RFC 9110 §5.6.2 token characters, minus `_` (servers that map `_` to `-` would let it spoof a header). */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^`|~-]+$/;
// eslint-disable-next-line no-control-regex -- refusing control characters (CR, LF, NUL…) is the point
const UNSAFE_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- as above, every occurrence
const UNSAFE_VALUES = /[\u0000-\u0008\u000a-\u001f\u007f]/g;

// eslint-disable-next-line no-control-regex -- every ASCII character, control characters included
const ASCII = /^[\u0000-\u007f]*$/;

/**
 * A header value as Go puts it on the wire: its UTF-8 bytes. Node writes header strings as latin1, so the
 * bytes are handed over one character each.
 */
export const wireValue = (value: string): string =>
  // ASCII is the same either way: skip the copy on the hot path (most values are ASCII).
  ASCII.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1');
/** Headers an attribute may never set: framing, routing and credentials of the request itself. */
const RESERVED = new Set([
  'host',
  'cookie',
  'set-cookie',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-authorization',
  'proxy-connection',
]);

/** Go's textproto.CanonicalMIMEHeaderKey for a valid name: first letter and each letter after `-` upper-cased. */
export const canonicalHeaderName = (name: string): string =>
  name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());

/**
 * The headers every success carries, in order: the contract's list (@palisade/schema/identity-headers, which
 * the proxies' snippets copy) in Go's spelling. Every one is on every allow answer, empty when the user has
 * no value, so a proxy that copies them overwrites whatever the client sent (issue 13, finding 5).
 */
export const IDENTITY_HEADER_NAMES: readonly string[] = IDENTITY_RESPONSE_HEADERS.map(canonicalHeaderName);

/** Every identity header with an empty value: what an unauthenticated success carries, so proxies overwrite client copies. */
export function emptyIdentityHeaders(): Record<string, string> {
  return Object.fromEntries(IDENTITY_HEADER_NAMES.map((name) => [name, '']));
}

/** `user_attributes.additionalHeaders`: strings and integers only, names and values that cannot smuggle. */
function additionalHeaders(attributes: Record<string, unknown>, refuse: (name: string, why: string) => void) {
  const headers: Record<string, string> = {};
  const extra = attributes.additionalHeaders;
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) return headers;
  for (const [name, value] of Object.entries(extra as Record<string, unknown>)) {
    if (!HEADER_NAME.test(name) || RESERVED.has(name.toLowerCase())) {
      refuse(name, 'invalid header name');
      continue;
    }
    let text: string;
    if (typeof value === 'string') text = value;
    else if (typeof value === 'number' && Number.isSafeInteger(value)) text = String(value);
    else {
      refuse(name, 'value is neither a string nor an integer');
      continue;
    }
    if (UNSAFE_VALUE.test(text)) {
      refuse(name, 'value holds control characters');
      continue;
    }
    headers[canonicalHeaderName(name)] = wireValue(text);
  }
  return headers;
}

/** Outgoing HTTP Basic (spec §5.2): only with basic_auth_enabled and a non-empty password attribute. */
export function basicAuthorization(app: Application, claims: SessionClaims): string | undefined {
  if (!app.config.basic_auth_enabled || !claims.ak_proxy) return undefined;
  const attributes = claims.ak_proxy.user_attributes ?? {};
  const password = attributes[app.config.basic_auth_password_attribute];
  if (typeof password !== 'string' || password === '') return undefined;
  const user = attributes[app.config.basic_auth_user_attribute];
  const username = typeof user === 'string' ? user : (claims.email ?? '');
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** The headers for a signed-in user. */
export function identityHeaders(
  app: Application,
  claims: SessionClaims,
  meta: { outpostName: string; version: string },
): Record<string, string> {
  const clean = (value: string | undefined) => wireValue((value ?? '').replace(UNSAFE_VALUES, ''));
  const headers: Record<string, string> = {
    'X-Authentik-Username': clean(claims.preferred_username),
    'X-Authentik-Groups': (claims.groups ?? []).map(clean).join('|'),
    'X-Authentik-Entitlements': (claims.entitlements ?? []).map(clean).join('|'),
    'X-Authentik-Email': clean(claims.email),
    'X-Authentik-Name': clean(claims.name),
    'X-Authentik-Uid': clean(claims.sub),
    'X-Authentik-Jwt': clean(claims.raw_token),
    'X-Authentik-Meta-Jwks': clean(app.endpoints.jwksPublic),
    'X-Authentik-Meta-Outpost': clean(meta.outpostName),
    'X-Authentik-Meta-Provider': clean(app.config.name),
    'X-Authentik-Meta-App': clean(app.config.assigned_application_slug ?? ''),
    'X-Authentik-Meta-Version': clean(meta.version),
  };
  const basic = basicAuthorization(app, claims);
  if (basic) headers.Authorization = basic;
  const refuse = (name: string, why: string) =>
    app.log.warn({ provider: app.config.name, reason: why, header: name }, 'additional header refused');
  return { ...headers, ...additionalHeaders(claims.ak_proxy?.user_attributes ?? {}, refuse) };
}
