import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from '../identity/secret-box.ts';
import { readCookie, setCookie } from './cookies.ts';

/** The cookie holding the CSRF token, and the header an API call echoes it in (the web console sends the header). */
export const CSRF_COOKIE = 'palisade_csrf';
export const CSRF_HEADER = 'x-palisade-csrf';

/**
 * Double-submit CSRF protection with a signed token: the cookie value is `random.hmac(random)`, so a value
 * planted by a sibling subdomain (which can write cookies but not sign them) is rejected.
 */
export interface Csrf {
  /** Returns the request's valid token, issuing a new cookie when there is none. */
  ensureToken(request: FastifyRequest, reply: FastifyReply): string;
  /** Answers whether `submitted` (form field or header) matches the request's signed cookie. */
  verify(request: FastifyRequest, submitted: string | undefined): boolean;
}

/** Creates the CSRF helper bound to a signing key. */
export function createCsrf(signingKey: string): Csrf {
  const sign = (nonce: string) =>
    createHmac('sha256', `csrf:${signingKey}`).update(nonce).digest('base64url');
  const isValid = (token: string | undefined): token is string => {
    if (!token) return false;
    const [nonce, mac] = token.split('.');
    return Boolean(nonce && mac && safeEqual(sign(nonce), mac));
  };
  return {
    ensureToken(request, reply) {
      const current = readCookie(request, CSRF_COOKIE);
      if (isValid(current)) return current;
      const nonce = randomBytes(24).toString('base64url');
      const token = `${nonce}.${sign(nonce)}`;
      // Readable by the web console's scripts, which echo it in the CSRF header; it grants nothing by itself.
      setCookie(request, reply, CSRF_COOKIE, token, { httpOnly: false });
      return token;
    },
    verify(request, submitted) {
      const cookie = readCookie(request, CSRF_COOKIE);
      return isValid(cookie) && submitted !== undefined && safeEqual(cookie, submitted);
    },
  };
}
