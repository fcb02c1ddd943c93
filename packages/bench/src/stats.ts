/** Percentiles and summaries over samples, shared by every benchmark case. */

/**
 * The `q` quantile (0..1) of ascending `sorted` samples by the nearest-rank method: the smallest sample
 * with at least q·n samples at or below it (so p50 of [1, 2, 3, 4] is 2, p99 of 100 samples is the 99th).
 * 0 for no samples.
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? 0;
}

/** p50, p99 and max of unsorted samples. */
export function summarize(samples: readonly number[]): {
  p50: number;
  p99: number;
  max: number;
  count: number;
} {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? 0,
    count: sorted.length,
  };
}

/** The median of unsorted values (the lower middle for an even count). */
export const median = (values: readonly number[]): number =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
