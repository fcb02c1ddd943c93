/**
 * At most one log line per key and interval: a misconfigured proxy (or a client probing it) repeats the same
 * refusal on every request, and the log must stay readable. The next line says how many were left out.
 */

/** Calls `emit` for a key at most once per interval, telling it how many calls it skipped since. */
export type RateLimited = (key: string, emit: (suppressed: number) => void) => void;

/** Keys remembered at once (the oldest is forgotten past this, so a flood of keys cannot grow memory). */
const MAX_KEYS = 1000;

/** Builds a limiter over `now` (ms) with one line per `intervalMs` and key. */
export function createRateLimited(now: () => number, intervalMs: number): RateLimited {
  const seen = new Map<string, { at: number; suppressed: number }>();
  return (key, emit) => {
    const entry = seen.get(key);
    const time = now();
    if (entry && time - entry.at < intervalMs) {
      entry.suppressed++;
      return;
    }
    seen.delete(key);
    if (seen.size >= MAX_KEYS) seen.delete(seen.keys().next().value ?? '');
    seen.set(key, { at: time, suppressed: 0 });
    emit(entry?.suppressed ?? 0);
  };
}
