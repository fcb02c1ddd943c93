import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Reads one cookie from a request (a Fastify request, or a raw one such as a websocket upgrade's); malformed
 * cookie headers yield undefined, never an exception.
 */
export function readCookie(request: Pick<FastifyRequest, 'headers'>, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Options of a cookie Palisade sets. */
export interface CookieOptions {
  maxAgeSeconds?: number;
  /** An `Expires` date besides Max-Age, for clients that read only Expires (the reference outposts). */
  expires?: Date;
  httpOnly?: boolean;
}

/**
 * Appends a Set-Cookie header. Every cookie is SameSite=Lax and Path=/; it is Secure when the request came
 * over TLS (directly, or through a trusted proxy that said so).
 */
export function setCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
  value: string,
  options: CookieOptions = {},
): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'SameSite=Lax'];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${Math.floor(options.maxAgeSeconds)}`);
  if (options.expires) parts.push(`Expires=${options.expires.toUTCString()}`);
  if (options.httpOnly !== false) parts.push('HttpOnly');
  if (request.protocol === 'https') parts.push('Secure');
  appendSetCookie(reply, parts.join('; '));
}

/** Removes a cookie from the browser. */
export function clearCookie(request: FastifyRequest, reply: FastifyReply, name: string): void {
  setCookie(request, reply, name, '', { maxAgeSeconds: 0 });
}

function appendSetCookie(reply: FastifyReply, value: string): void {
  const existing = reply.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  reply.header('set-cookie', [...list, value]);
}
