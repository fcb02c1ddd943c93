/**
 * Cached binds (bind_mode=cached, spec §1.6): successful binds only (the reference also cached failures,
 * PR #24582), keyed by a SHA-256 of the normalized DN and the secret, so no password is held; each expires
 * with the core session it came from and is dropped when that session ends (SESSION_END), which is how
 * a password change or a revoked session stops an old password working (the reference's #12294).
 */
import { createHash } from 'node:crypto';
import type { BoundUser } from './bind.ts';

/** At most this many cached binds; the oldest goes first. */
export const MAX_CACHED_BINDS = 10_000;

/** The cache. */
export class BindCache {
  private readonly entries = new Map<string, BoundUser>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  private key(dnKey: string, secret: string): string {
    return createHash('sha256').update(dnKey).update('\0').update(secret).digest('hex');
  }

  /** The bound user of an earlier bind with the same DN and secret whose session is still live. */
  get(dnKey: string, secret: string): BoundUser | undefined {
    const key = this.key(dnKey, secret);
    const user = this.entries.get(key);
    if (!user) return undefined;
    if ((user.session.expires ?? 0) <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return user;
  }

  /** Remembers a successful bind; one whose session has no expiry is not cached (it could never expire). */
  set(dnKey: string, secret: string, user: BoundUser): void {
    if (user.session.expires === undefined || user.session.expires <= this.now()) return;
    if (this.entries.size >= MAX_CACHED_BINDS) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(this.key(dnKey, secret), user);
  }

  /** Drops every bind of session `sid`; answers how many. */
  dropSession(sid: string): number {
    let dropped = 0;
    for (const [key, user] of this.entries) {
      if (user.session.sid === sid) {
        this.entries.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  /** Keeps only the binds of providers still served (by pk). */
  retainProviders(pks: ReadonlySet<number>): void {
    for (const [key, user] of this.entries) if (!pks.has(user.provider.pk)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
