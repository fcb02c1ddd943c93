/** Reads one series of a metric from a prom-client registry, for asserting what the outpost counted. */
import type { Registry } from 'prom-client';

/**
 * The value of series `name` (a histogram's `…_count` or `…_sum`, or a counter's name) with every label of
 * `labels`; 0 when there is no such series yet.
 */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = await registry.getSingleMetric(name.replace(/_(count|sum)$/, ''))?.get();
  const series = metric?.values.find(
    (v) =>
      // A histogram's series carry their own name (`…_bucket`, `…_sum`, `…_count`).
      ((v as { metricName?: string }).metricName ?? metric.name) === name &&
      Object.entries(labels).every(([key, value]) => v.labels[key] === value),
  );
  return series?.value ?? 0;
}
