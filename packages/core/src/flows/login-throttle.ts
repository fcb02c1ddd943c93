/**
 * Limits password guessing: failures are counted per username and per client address; once either count
 * reaches its limit, further attempts for that key are refused for a delay that doubles with every further
 * failure (base, 2×base, 4×base … up to the maximum). A success clears the username's count and the
 * address's count. State is in memory, per core process: it bounds guessing speed, it is not an audit log.
 *
 * The username count is kept in one of two scopes (`login.lockout_scope`, docs/security.md):
 * - `username` (the reference's, the default): one count per username whatever the address. Guessing one
 *   account from many addresses is bounded, but anyone can keep an account locked by failing on purpose.
 * - `address_and_username`: one count per (client address, username). Nobody can lock another's account
 *   from elsewhere, but each address gets its own allowance against an account, so guessing spread over many
 *   addresses is bounded only by the per-address limit.
 */

/** Which failures count together against a username (see the module comment). */
export type LockoutScope = 'username' | 'address_and_username';

export interface LoginThrottleOptions {
  maxFailuresPerUsername: number;
  maxFailuresPerAddress: number;
  /** Default `username`, the reference's behaviour. */
  scope?: LockoutScope;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  /** Clock in milliseconds; tests pass their own. */
  now?: () => number;
  /** Most keys tracked at once; the oldest are dropped beyond it, so a flood of names cannot exhaust memory. */
  maxEntries?: number;
}

export interface ThrottleDecision {
  allowed: boolean;
  /** Seconds until the next attempt is allowed (0 when allowed). */
  retryAfterSeconds: number;
}

export interface LoginThrottle {
  check(username: string, address: string): ThrottleDecision;
  recordFailure(username: string, address: string): void;
  recordSuccess(username: string, address: string): void;
}

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 100_000;
  const entries = new Map<string, Entry>();
  // Counts are forgotten after a quiet period of the longest delay (and at least a quarter hour).
  const forgetAfterMs = Math.max(options.maxDelaySeconds, 900) * 1000;

  const isPerAddress = options.scope === 'address_and_username';
  // NUL cannot occur in an address, so no address and username pair can spell another's key.
  const keys = (username: string, address: string) => [
    {
      key: isPerAddress ? `au:${address}\0${username.toLowerCase()}` : `u:${username.toLowerCase()}`,
      limit: options.maxFailuresPerUsername,
    },
    { key: `a:${address}`, limit: options.maxFailuresPerAddress },
  ];

  function current(key: string, at: number): Entry | undefined {
    const entry = entries.get(key);
    if (entry && at - entry.lastFailure > forgetAfterMs && at >= entry.lockedUntil) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  return {
    check(username, address) {
      const at = now();
      let waitMs = 0;
      for (const { key } of keys(username, address)) {
        const entry = current(key, at);
        if (entry && entry.lockedUntil > at) waitMs = Math.max(waitMs, entry.lockedUntil - at);
      }
      return { allowed: waitMs === 0, retryAfterSeconds: Math.ceil(waitMs / 1000) };
    },
    recordFailure(username, address) {
      const at = now();
      for (const { key, limit } of keys(username, address)) {
        const entry = current(key, at) ?? { failures: 0, lockedUntil: 0, lastFailure: at };
        entry.failures += 1;
        entry.lastFailure = at;
        if (entry.failures >= limit) {
          const exponent = Math.min(entry.failures - limit, 30);
          const delay = Math.min(options.baseDelaySeconds * 2 ** exponent, options.maxDelaySeconds);
          entry.lockedUntil = at + delay * 1000;
        }
        entries.delete(key);
        entries.set(key, entry);
        if (entries.size > maxEntries) {
          const oldest = entries.keys().next().value;
          if (oldest !== undefined) entries.delete(oldest);
        }
      }
    },
    recordSuccess(username, address) {
      for (const { key } of keys(username, address)) entries.delete(key);
    },
  };
}
