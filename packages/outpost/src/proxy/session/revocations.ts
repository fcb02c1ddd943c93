/**
 * Sessions signed out before their tokens expire: the core's SESSION_END (by the core session id, claims.sid)
 * and local sign-outs (also by the outpost session id). Sessions are self-contained cookies, so revocation is
 * a deny list each replica keeps; an entry lives as long as any token it could apply to.
 */

/** The deny list. */
export interface Revocations {
  revoke(key: string): void;
  isRevoked(key: string): boolean;
  /** Tells the list about a token seen, so entries outlive the longest-lived token. */
  observeExpiry(expSeconds: number): void;
  readonly size: number;
}

/** Keys for the two kinds of ids (never confused with each other). */
export const coreSessionKey = (sid: string): string => `core:${sid}`;
/** Key of an outpost session id. */
export const outpostSessionKey = (sid: string): string => `outpost:${sid}`;

/**
 * Builds a bounded deny list. Entries are kept until the latest token expiry seen, and at least
 * `minimumSeconds` (tokens issued by other replicas may be seen here later). When full, the oldest entries
 * (the first to expire) make room, and that is logged by the caller through `onEvict`.
 */
export function createRevocations(
  now: () => number,
  options: { maxEntries?: number; minimumSeconds?: number; onEvict?: (count: number) => void } = {},
): Revocations {
  const maxEntries = options.maxEntries ?? 100_000;
  const minimumMs = (options.minimumSeconds ?? 24 * 3600) * 1000;
  const entries = new Map<string, number>();
  let latestExpiryMs = 0;

  const prune = () => {
    const current = now();
    for (const [key, until] of entries) if (until <= current) entries.delete(key);
    let evicted = 0;
    for (const key of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(key);
      evicted++;
    }
    if (evicted > 0) options.onEvict?.(evicted);
  };

  return {
    revoke(key) {
      entries.delete(key);
      entries.set(key, Math.max(now() + minimumMs, latestExpiryMs));
      if (entries.size > maxEntries) prune();
    },
    isRevoked(key) {
      const until = entries.get(key);
      if (until === undefined) return false;
      if (until > now()) return true;
      entries.delete(key);
      return false;
    },
    observeExpiry(expSeconds) {
      latestExpiryMs = Math.max(latestExpiryMs, expSeconds * 1000);
    },
    get size() {
      return entries.size;
    },
  };
}
