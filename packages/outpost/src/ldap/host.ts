/** What a connection needs from the running server (runtime.ts implements it; tests hand in their own). */
import type { SecureContext } from 'node:tls';
import type { Logger } from '../process/logger.ts';
import type { BindOutcome, BoundUser } from './bind.ts';
import type { LdapProvider } from './config.ts';
import type { Directory } from './directory.ts';
import type { Filter } from './filter.ts';
import type { LdapMetrics } from './ldap-metrics.ts';

/** Limits of one connection. */
export interface ConnectionLimits {
  /** Largest LDAPMessage accepted. */
  maxMessageBytes: number;
  /** Requests waiting behind the one being answered; past it the connection is closed. */
  maxQueued: number;
  /** A connection silent this long is closed. */
  idleMs: number;
  /** The longest a search may take whatever the client asks (ms). */
  maxSearchMs: number;
  /** How long part of a message may wait for the rest (a client that stalls mid-message is cut off). */
  partialMessageMs: number;
}

/** Default limits. */
export const DEFAULT_LIMITS: ConnectionLimits = {
  maxMessageBytes: 256 * 1024,
  maxQueued: 64,
  idleMs: 10 * 60_000,
  maxSearchMs: 60_000,
  partialMessageMs: 30_000,
};

/** The server as a connection sees it. */
export interface ConnectionHost {
  readonly version: string;
  readonly log: Logger;
  readonly metrics: LdapMetrics;
  readonly limits: ConnectionLimits;
  providers(): readonly LdapProvider[];
  /** Binds `dn` with `secret` for a client at `clientIp` (cached or direct per the provider). */
  bind(dn: string, secret: string, clientIp: string): Promise<BindOutcome>;
  /** The directory `user` may search under `baseDn` with `filter` (snapshot, self view, or direct fetch). */
  directoryFor(user: BoundUser, filter: Filter, baseDn: string): Promise<Directory>;
  /** The bind of `user`, made from `clientIp`, is over (unbind, rebind or close); never rejects. */
  release(user: BoundUser, clientIp: string): Promise<void>;
  /** The TLS context for an SNI name ('' for none). */
  secureContextFor(servername: string): SecureContext;
  /** Connections register so SESSION_END can close them. */
  track(connection: TrackedConnection): void;
  untrack(connection: TrackedConnection): void;
}

/** A connection as the host tracks it. */
export interface TrackedConnection {
  readonly user: BoundUser | undefined;
  /** Closes it (shutdown). */
  close(reason: string): void;
  /** The core ended the session it is bound in (SESSION_END): closes it, with nothing left to end. */
  sessionEnded(): void;
}
