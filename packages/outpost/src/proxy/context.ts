/** What every part of the runtime shares: options, clock, deny list, header-auth cache, current outpost. */
import type { TtlCache } from './auth/ttl-cache.ts';
import type { Application } from './app/application.ts';
import type { RateLimited } from './http/rate-limited.ts';
import type { OpenedSessions } from './session/opened-sessions.ts';
import type { Revocations } from './session/revocations.ts';
import type { OutpostInfo, ProxyRuntimeOptions, SessionClaims } from './types.ts';

/** The runtime's shared state, passed to flows and adapters. */
export interface RuntimeContext {
  options: ProxyRuntimeOptions;
  now: () => number;
  revocations: Revocations;
  /** Header-auth results by SHA-256 of (client_id, Authorization header). */
  headerCache: TtlCache<SessionClaims>;
  /** Session cookies already opened (session/opened-sessions.ts). */
  openedSessions: OpenedSessions;
  outpost: () => OutpostInfo;
  /** Once a minute per key: for refusals a misconfigured proxy would repeat on every request. */
  rateLimited: RateLimited;
  /** Counts and logs a failed sign-in (never silent). */
  signInFailed(app: Application, reason: string, detail?: Record<string, unknown>): void;
}
