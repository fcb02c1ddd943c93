import { summarize } from './stats.ts';

/** Result of driving one HTTP request shape for a fixed time at fixed concurrency. */
export interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Sends `request` from `concurrency` loops for `seconds` and records latencies. Bounded in time and aimed at
 * loopback only: the caller passes a URL on 127.0.0.1.
 */
export async function drive(
  name: string,
  request: () => Promise<Response>,
  options: { seconds: number; concurrency: number; expectStatus: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + options.seconds * 1000;
  const started = performance.now();
  const loop = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const res = await request();
        await res.arrayBuffer();
        if (res.status !== options.expectStatus) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  const { p50, p99 } = summarize(latencies);
  return {
    name,
    requests: latencies.length,
    errors,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: p50,
    p99Ms: p99,
  };
}
