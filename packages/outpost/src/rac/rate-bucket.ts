/** A token bucket: `perSecond` tokens a second, holding at most one second's worth. */
export interface RateBucket {
  /** Takes `n` tokens if they are there. */
  take(n: number): boolean;
  /** Takes `n` tokens even into debt; answers the milliseconds until the debt is paid (0: none). */
  spend(n: number): number;
}

/** A full bucket refilled at `perSecond`; `now` is injectable for tests. */
export function createRateBucket(perSecond: number, now: () => number = () => performance.now()): RateBucket {
  let tokens = perSecond;
  let at = now();
  const refill = () => {
    const t = now();
    tokens = Math.min(perSecond, tokens + ((t - at) / 1000) * perSecond);
    at = t;
  };
  return {
    take(n) {
      refill();
      if (tokens < n) return false;
      tokens -= n;
      return true;
    },
    spend(n) {
      refill();
      tokens -= n;
      return tokens >= 0 ? 0 : Math.ceil((-tokens / perSecond) * 1000);
    },
  };
}
