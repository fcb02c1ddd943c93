/**
 * Session cookies already opened, by their sealed value. A signed-in browser sends the same sealed value on
 * every request until the session is rewritten, and opening it (AES-GCM, inflate, JSON, decoding the token)
 * is most of the work of a forward-auth check; a sealed value always opens to the same payload, so the
 * result can be kept. Only what opened and read is kept (garbage never fills the cache), each entry is
 * tied to the Application that opened it (a configuration update builds new ones, so a rotated
 * cookie_secret is never answered from the cache), and revocation and expiry are still checked on every
 * request by the caller. Bounded in entries and time; the oldest make room.
 */
import type { Application } from '../app/application.ts';
import { createTtlCache, type TtlCache } from '../auth/ttl-cache.ts';
import type { SessionClaims } from '../types.ts';
import type { SessionPayload } from './sealed-session.ts';

/** How long, and how many, opened sessions are kept. About 2.5 KB each with a typical token. */
export const OPENED_SESSION_TTL_MS = 5 * 60_000;
export const OPENED_SESSION_ENTRIES = 10_000;

/** A sealed value, opened: a signed-out session has no token yet; one whose claims do not read has none. */
export interface OpenedSession {
  app: Application;
  payload: SessionPayload;
  hasToken: boolean;
  claims?: SessionClaims;
}

/** The cache (one per runtime, shared by its applications). */
export type OpenedSessions = TtlCache<OpenedSession>;

/** Builds the cache. */
export const createOpenedSessions = (now: () => number): OpenedSessions =>
  createTtlCache<OpenedSession>(OPENED_SESSION_TTL_MS, OPENED_SESSION_ENTRIES, now);
