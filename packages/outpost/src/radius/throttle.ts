/**
 * Throttling before the flow runs (issue 17, Security): failures are counted per user (User-Name) and per
 * NAS (source address) over a window; past the limit a request is rejected without asking the core, so a
 * guessing NAS cannot turn the outpost into a password oracle. Flows in flight per NAS are capped too: past
 * that a request is dropped (the NAS retransmits), not rejected.
 */

/** The limits; a window's count resets when the window has passed. */
export interface ThrottleLimits {
  windowMs: number;
  failuresPerUser: number;
  failuresPerNas: number;
  inFlightPerNas: number;
}

/** Defaults: 5 failures a minute per user (the core locks out after more), 100 per NAS, 64 flows in flight. */
export const DEFAULT_THROTTLE: ThrottleLimits = {
  windowMs: 60_000,
  failuresPerUser: 5,
  failuresPerNas: 100,
  inFlightPerNas: 64,
};

/** Keys kept at most (an attacker sending many User-Names cannot grow the map without bound). */
const MAX_KEYS = 100_000;

/** A window counter per key, bounded in size. */
class WindowCounter {
  private readonly counts = new Map<string, { count: number; until: number }>();
  private readonly windowMs: number;
  constructor(windowMs: number) {
    this.windowMs = windowMs;
  }
  count(key: string, now: number): number {
    const entry = this.counts.get(key);
    if (!entry || entry.until <= now) return 0;
    return entry.count;
  }
  add(key: string, now: number): void {
    const entry = this.counts.get(key);
    if (entry && entry.until > now) {
      entry.count += 1;
      return;
    }
    if (this.counts.size >= MAX_KEYS) this.sweep(now);
    // Still full of live keys: forget the oldest (Map keeps insertion order).
    if (this.counts.size >= MAX_KEYS) this.counts.delete(this.counts.keys().next().value as string);
    this.counts.set(key, { count: 1, until: now + this.windowMs });
  }
  private sweep(now: number): void {
    for (const [key, entry] of this.counts) if (entry.until <= now) this.counts.delete(key);
  }
}

/** The outpost's throttle. */
export class Throttle {
  private readonly limits: ThrottleLimits;
  private readonly users: WindowCounter;
  private readonly nases: WindowCounter;
  private readonly inFlight = new Map<string, number>();
  private readonly now: () => number;

  constructor(limits: ThrottleLimits = DEFAULT_THROTTLE, now: () => number = Date.now) {
    this.limits = limits;
    this.users = new WindowCounter(limits.windowMs);
    this.nases = new WindowCounter(limits.windowMs);
    this.now = now;
  }

  /** Whether a request of `user` from `nas` is over a failure limit (then: reject without the flow). */
  isLimited(user: string, nas: string): boolean {
    const now = this.now();
    return (
      this.users.count(user, now) >= this.limits.failuresPerUser ||
      this.nases.count(nas, now) >= this.limits.failuresPerNas
    );
  }

  /** Counts a failed request. */
  failed(user: string, nas: string): void {
    const now = this.now();
    this.users.add(user, now);
    this.nases.add(nas, now);
  }

  /** Takes a flow slot for `nas`; false when it has too many in flight (then: drop). */
  enter(nas: string): boolean {
    const current = this.inFlight.get(nas) ?? 0;
    if (current >= this.limits.inFlightPerNas) return false;
    this.inFlight.set(nas, current + 1);
    return true;
  }

  /** How many flows `nas` has in flight (the bench waits for 0 between runs). */
  inFlightOf(nas: string): number {
    return this.inFlight.get(nas) ?? 0;
  }

  /** Gives the slot back. */
  leave(nas: string): void {
    const current = (this.inFlight.get(nas) ?? 1) - 1;
    if (current <= 0) this.inFlight.delete(nas);
    else this.inFlight.set(nas, current);
  }
}
