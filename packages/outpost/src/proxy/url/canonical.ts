/**
 * Canonical request identity: every host and path is brought to one spelling before any rule sees it, so a
 * rule cannot be dodged by case, default ports, doubled slashes or needless escapes (RFC 3986 §6.2.2).
 * Encoded separators (`%2F`, `%5C`) are never decoded. A path that one server may read differently from
 * another is flagged ambiguous, and an ambiguous path never satisfies an allow rule (issue 13, finding 8):
 * `/public/..;/private` is `/private` to Tomcat, `/public/%252e%252e/private` is `/private` to a backend that
 * decodes twice, `/private/../public/` is `/private/…` to a backend that routes before resolving dots.
 */
/** A path in canonical form, and whether it holds something that servers read differently. */
export interface CanonicalPath {
  path: string;
  isAmbiguous: boolean;
}

// RFC 3986 §2.3: only unreserved characters may be decoded without changing what a URI means.
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/**
 * Escapes (decoded byte values) that some server reads as something else: `%` (a second decoding), `/` and
 * `\\` (separators), `;` (path parameters: Tomcat's `..;`), `?` and `#` (a decoder that splits again), control
 * characters (NUL ends C strings; CR/LF split lines).
 */
const isAmbiguousByte = (value: number): boolean =>
  value < 0x20 ||
  value === 0x7f ||
  value === 0x25 ||
  value === 0x2f ||
  value === 0x5c ||
  value === 0x3b ||
  value === 0x3f ||
  value === 0x23;

const FATAL_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Whether percent-encoded bytes (each ≥ 0x80) are valid UTF-8: overlong `%C0%AE` is `.` to some decoders. */
function isValidUtf8(bytes: number[]): boolean {
  try {
    FATAL_UTF8.decode(Uint8Array.from(bytes));
    return true;
  } catch {
    return false;
  }
}

/**
 * The canonical form of a raw request path (no query): unreserved escapes decoded, `//` collapsed, dots
 * resolved; `isAmbiguous` when anything in it (see the module comment) could be read another way.
 */
export function canonicalPath(raw: string): CanonicalPath {
  let isAmbiguous = false;
  let out = '';
  let high: number[] = [];
  const endHigh = () => {
    if (high.length === 0) return;
    if (!isValidUtf8(high)) isAmbiguous = true;
    high = [];
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charAt(i);
    const code = c.charCodeAt(0);
    if (c === '%') {
      const hex = raw.slice(i + 1, i + 3);
      if (!HEX_PAIR.test(hex)) {
        endHigh();
        isAmbiguous = true;
        out += '%25';
        continue;
      }
      const value = Number.parseInt(hex, 16);
      i += 2;
      if (value >= 0x80) {
        high.push(value);
        out += `%${hex.toUpperCase()}`;
        continue;
      }
      endHigh();
      const decoded = String.fromCharCode(value);
      if (UNRESERVED.test(decoded)) out += decoded;
      else {
        out += `%${hex.toUpperCase()}`;
        if (isAmbiguousByte(value)) isAmbiguous = true;
      }
    } else {
      endHigh();
      if (c === '\\' || code < 0x20 || code === 0x7f) {
        isAmbiguous = true;
        out += encodeURIComponent(c);
      } else {
        // `;` stays as sent (a `;jsessionid=` must reach a proxy-mode upstream unchanged), but is ambiguous.
        if (c === ';') isAmbiguous = true;
        out += c;
      }
    }
  }
  endHigh();
  const collapsed = out.replace(/\/{2,}/g, '/');
  // A dot segment, raw or encoded: resolved here, maybe not by the backend (browsers never send one).
  if (collapsed.includes('.') && /(^|\/)\.\.?(\/|$)/.test(collapsed)) isAmbiguous = true;
  out = removeDotSegments(collapsed);
  return { path: out.startsWith('/') ? out : `/${out}`, isAmbiguous };
}

/** RFC 3986 §5.2.4, for an absolute path: `.` dropped, `..` removes the segment before it, never above root. */
export function removeDotSegments(path: string): string {
  const segments = path.split('/');
  const output: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    const isLast = i === segments.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..' && output.length > 1) output.pop();
      if (isLast) output.push('');
    } else output.push(segment);
  }
  const joined = output.join('/');
  return joined.startsWith('/') ? joined : `/${joined}`;
}

/**
 * The canonical form of a host (with optional port) as a Host header or URL carries it: lowercase, IDNA
 * ASCII form, default ports (80, 443) and one trailing dot dropped. Undefined for anything that is not a
 * plain host, e.g. carrying userinfo or a path.
 */
export function canonicalHost(raw: string): string | undefined {
  if (raw === '' || /[@/\\?#\s]/.test(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${raw}`);
  } catch {
    return undefined;
  }
  if (url.username || url.password || url.pathname !== '/') return undefined;
  const hostname = url.hostname.endsWith('.') ? url.hostname.slice(0, -1) : url.hostname;
  if (hostname === '') return undefined;
  const port = url.port === '' || url.port === '80' || url.port === '443' ? '' : `:${url.port}`;
  return `${hostname}${port}`;
}

/** The host name part (no port) of a canonical host. */
export function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/** Whether `hostname` is `domain` or below it, on a label boundary (`evilexample.com` is not under `example.com`). */
export function isUnderDomain(hostname: string, domain: string): boolean {
  const bare = domain.replace(/^\./, '').toLowerCase();
  if (bare === '') return false;
  return hostname === bare || hostname.endsWith(`.${bare}`);
}

/** A request URL in canonical form: what skip rules and redirect checks match against. */
export interface CanonicalUrl {
  scheme: 'http' | 'https';
  host: string;
  path: string;
  /** The raw query without `?` ('' when absent); never part of a path rule. */
  query: string;
  isAmbiguous: boolean;
}

/** Canonicalises an absolute URL string; undefined when it is not an http(s) URL with a plain host. */
export function canonicalUrl(raw: string): CanonicalUrl | undefined {
  const match = /^(https?):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/i.exec(raw);
  if (!match) return undefined;
  const host = canonicalHost(match[2] ?? '');
  if (!host) return undefined;
  const { path, isAmbiguous } = canonicalPath(match[3] || '/');
  return {
    scheme: (match[1] ?? '').toLowerCase() as 'http' | 'https',
    host,
    path,
    query: match[4] ?? '',
    isAmbiguous,
  };
}

/** `scheme://host/path[?query]` of a canonical URL (the form domain-mode skip rules test). */
export function formatCanonicalUrl(url: CanonicalUrl): string {
  return `${url.scheme}://${url.host}${url.path}${url.query ? `?${url.query}` : ''}`;
}
