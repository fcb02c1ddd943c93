/**
 * The OAuth `state` (spec §4.3): an HS256 JWT signed with cookie_secret that carries the post-login redirect
 * and the outpost session id it belongs to, so every sign-in (one per tab) lands where it began and a callback
 * from another browser is refused. Unlike the reference it expires, and it counts automatic retries.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

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

/** Builds the codec for a provider. */
export function createStateCodec(cookieSecret: string, clientId: string, now: () => number): StateCodec {
  const key = new TextEncoder().encode(cookieSecret);
  const issuer = `goauthentik.io/outpost/${clientId}`;
  return {
    async sign(state) {
      const issuedAt = Math.floor(now() / 1000);
      return new SignJWT({
        sid: state.sid,
        state: randomBytes(32).toString('base64url'),
        redirect: state.redirect,
        attempt: state.attempt,
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(issuer)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + STATE_LIFETIME_SECONDS)
        .sign(key);
    },
    async verify(jwt, sid) {
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(jwt, key, {
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
