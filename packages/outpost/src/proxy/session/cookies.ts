/** Cookie header parsing and Set-Cookie serialisation (RFC 6265 §4.1, §5.4). */

/** The cookies of a request; for a name sent twice the first one (the most specific path) wins. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name !== '' && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** Attributes of a session cookie (spec §4.1). */
export interface CookieAttributes {
  domain?: string;
  isSecure: boolean;
  /** Seconds; undefined: a browser-session cookie; ≤ 0: delete. */
  maxAge?: number;
}

/** One Set-Cookie line: Path=/, HttpOnly, SameSite=Lax, plus Domain / Secure / Max-Age as given. */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  const parts = [`${name}=${value}`, 'Path=/'];
  if (attributes.domain) parts.push(`Domain=${attributes.domain}`);
  if (attributes.maxAge !== undefined) {
    if (attributes.maxAge <= 0) parts.push('Max-Age=0', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    else parts.push(`Max-Age=${Math.floor(attributes.maxAge)}`);
  }
  parts.push('HttpOnly');
  if (attributes.isSecure) parts.push('Secure');
  parts.push('SameSite=Lax');
  return parts.join('; ');
}
