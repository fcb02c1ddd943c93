/** Reading and writing a provider's session from and to its cookies (the cookie is the store). */
import { decodeJwt } from 'jose';
import type { Application } from '../app/application.ts';
import { claimsFrom } from '../app/claims.ts';
import type { SessionClaims } from '../types.ts';
import type { OpenedSession, OpenedSessions } from './opened-sessions.ts';
import { coreSessionKey, outpostSessionKey, type Revocations } from './revocations.ts';
import { newSessionId, type SessionPayload } from './sealed-session.ts';
import { clearSessionCookies, readSessionValue, writeSessionCookies } from './session-cookie.ts';

/** A session as a request presents it. */
export interface LoadedSession {
  sid: string;
  created: number;
  /** Present when signed in, not expired and not revoked. */
  claims?: SessionClaims;
}

/** Why a presented cookie does not count as signed in. */
export type SessionProblem = 'malformed' | 'expired' | 'revoked';

/** What reading the cookies gave. */
export interface SessionRead {
  /** Absent when there was no usable cookie; may lack claims (before sign-in, or expired). */
  session?: LoadedSession;
  problem?: SessionProblem;
}

/** What session reads and writes need from the runtime. */
export interface SessionContext {
  now: () => number;
  revocations: Revocations;
  /** Sealed values already opened (absent: every read opens the cookie). */
  openedSessions?: OpenedSessions;
}

/** Whether a token payload's `aud` names `clientId` (RFC 7519 §4.1.3: a string or an array of them). */
const isAudience = (aud: unknown, clientId: string): boolean =>
  aud === clientId || (Array.isArray(aud) && aud.includes(clientId));

/**
 * The session's claims. The cookie is bound to its provider twice over: it opens only under a key derived
 * from that provider's cookie_secret and client_id, with the cookie name as additional data; and the token
 * inside must name that client as its audience, so no session of another application is ever used for this
 * one (issue 13, finding 2), even if a bug sealed one here.
 */
function claimsOf(app: Application, payload: SessionPayload): SessionClaims | undefined {
  if (payload.claims) return claimsFrom(payload.claims as Record<string, unknown>, payload.token ?? '');
  if (!payload.token) return undefined;
  try {
    // The token's signature was verified at callback; the AEAD vouches that this cookie is ours.
    const decoded = decodeJwt(payload.token);
    if (!isAudience(decoded.aud, app.config.client_id)) return undefined;
    return claimsFrom(decoded, payload.token);
  } catch {
    return undefined;
  }
}

/** The sealed value opened and its claims read, from the cache when `app` opened it before. */
function openSession(app: Application, value: string, ctx: SessionContext): OpenedSession | undefined {
  const cached = ctx.openedSessions?.get(value);
  if (cached && cached.app === app) return cached;
  const payload = app.sealer.open(value);
  if (!payload) return undefined;
  const hasToken = Boolean(payload.token || payload.claims);
  const opened = { app, payload, hasToken, claims: hasToken ? claimsOf(app, payload) : undefined };
  if (!hasToken || opened.claims) ctx.openedSessions?.set(value, opened);
  return opened;
}

/** Reads the session a request carries for `app`. Never throws. */
export function readSession(
  app: Application,
  cookies: ReadonlyMap<string, string>,
  ctx: SessionContext,
): SessionRead {
  const value = readSessionValue(cookies, app.jar.name);
  if (value === undefined) return {};
  const opened = openSession(app, value, ctx);
  if (!opened) return { problem: 'malformed' };
  const { payload, claims } = opened;
  if (ctx.revocations.isRevoked(outpostSessionKey(payload.sid))) return { problem: 'revoked' };
  const base = { sid: payload.sid, created: payload.created };
  if (!opened.hasToken) return { session: base };
  if (!claims) return { problem: 'malformed' };
  ctx.revocations.observeExpiry(claims.exp);
  if (claims.sid !== undefined && ctx.revocations.isRevoked(coreSessionKey(claims.sid)))
    return { problem: 'revoked' };
  if (claims.exp * 1000 <= ctx.now()) return { session: base, problem: 'expired' };
  return { session: { ...base, claims } };
}

/** A fresh, signed-out session and the cookies that store it (Max-Age access_token_validity + 1, spec §4.1). */
export function startSession(
  app: Application,
  cookies: ReadonlyMap<string, string>,
  now: () => number,
): { session: LoadedSession; setCookies: string[] } {
  const session = { sid: newSessionId(), created: Math.floor(now() / 1000) };
  const validity = app.config.access_token_validity;
  const maxAge = validity && validity > 0 ? Math.floor(validity) + 1 : undefined;
  const value = app.sealer.seal({ v: 1, ...session });
  return { session, setCookies: writeSessionCookies(app.jar, value, maxAge, cookies) ?? [] };
}

/**
 * The cookies of a signed-in session (Max-Age until the token expires). Undefined when the session does not
 * fit in the cookies allowed.
 */
export function signedInCookies(
  app: Application,
  session: { sid: string; created: number },
  claims: SessionClaims,
  cookies: ReadonlyMap<string, string>,
  now: () => number,
  options: { keepClaims?: boolean } = {},
): string[] | undefined {
  const { raw_token: token, ...rest } = claims;
  const payload: SessionPayload = { v: 1, sid: session.sid, created: session.created, token };
  if (options.keepClaims) payload.claims = rest;
  const maxAge = Math.max(1, claims.exp - Math.floor(now() / 1000));
  return writeSessionCookies(app.jar, app.sealer.seal(payload), maxAge, cookies);
}

/** Cookies that remove the session. */
export const clearedCookies = (app: Application, cookies: ReadonlyMap<string, string>): string[] =>
  clearSessionCookies(app.jar, cookies);
