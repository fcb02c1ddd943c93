/**
 * The OAuth `state` (spec §4.3): an HS256 JWT signed with cookie_secret that carries the post-login redirect
 * and the outpost session id it belongs to, so every sign-in (one per tab) lands where it began and a callback
 * from another browser is refused. Unlike the reference it expires, and it counts automatic retries.
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual, type webcrypto } from 'node:crypto';
import { jwtVerify } from 'jose';
import { pooledRandomBytes } from './random-pool.ts';

/** What a verified state says. */
export interface OAuthState {
  sid: string;
  redirect: string;
  /** How many times this sign-in was restarted automatically (bounded, so it can never loop). */
  attempt: number;
}

/** How long a sign-in may take between start and callback. */
export const STATE_LIFETIME_SECONDS = 3600;

/** Signs and verifies one provider's states. */
export interface StateCodec {
  sign(state: OAuthState): Promise<string>;
  /** The state, or a reason it is refused. `sid` must equal the cookie's outpost session id. */
  verify(jwt: string, sid: string | undefined): Promise<{ state?: OAuthState; reason?: string }>;
}

const sameText = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * A compact HS256 JWS (RFC 7515 §7.1, header `{"alg":"HS256","typ":"JWT"}`), signed with node:crypto's
 * HMAC. Only signing is done here, for speed: every signed-out request through Traefik or Caddy starts a
 * sign-in, and WebCrypto's asynchronous HMAC job was a fifth of that path's time. Verification stays with
 * jose (jwtVerify), which checks the algorithm, the signature and the claims.
 */
function signHs256(key: KeyObject, payload: Record<string, unknown>): string {
  const signingInput = `${JWS_HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${signingInput}.${createHmac('sha256', key).update(signingInput).digest('base64url')}`;
}
const JWS_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** Builds the codec for a provider. */
export function createStateCodec(cookieSecret: string, clientId: string, now: () => number): StateCodec {
  const secret = createSecretKey(Buffer.from(cookieSecret, 'utf8'));
  // Imported once for verifying (at callback): jose would import raw key bytes into WebCrypto every time.
  let imported: Promise<webcrypto.CryptoKey> | undefined;
  const key = () =>
    (imported ??= crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(cookieSecret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    ));
  const issuer = `goauthentik.io/outpost/${clientId}`;
  return {
    async sign(state) {
      const issuedAt = Math.floor(now() / 1000);
      return signHs256(secret, {
        sid: state.sid,
        state: pooledRandomBytes(32).toString('base64url'),
        redirect: state.redirect,
        attempt: state.attempt,
        iss: issuer,
        iat: issuedAt,
        exp: issuedAt + STATE_LIFETIME_SECONDS,
      });
    },
    async verify(jwt, sid) {
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(jwt, await key(), {
          algorithms: ['HS256'],
          issuer,
          requiredClaims: ['exp'],
          currentDate: new Date(now()),
        }));
      } catch {
        return { reason: 'invalid state' };
      }
      const { sid: stateSid, redirect, attempt } = payload;
      if (typeof stateSid !== 'string' || typeof redirect !== 'string') return { reason: 'invalid state' };
      const state = { sid: stateSid, redirect, attempt: typeof attempt === 'number' ? attempt : 0 };
      if (sid === undefined || !sameText(stateSid, sid)) return { state, reason: 'mismatched session ID' };
      return { state };
    },
  };
}
