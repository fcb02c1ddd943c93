import { Registry } from 'prom-client';

/**
 * Renders the core's registry and, for the embedded outpost, the outpost's beside it under one endpoint (as
 * seed 000 says of the reference). Both carry Node's process metrics of the same process: those, and any
 * other name both have, are taken from the core's registry once, so the exposition never repeats a name.
 */
export async function renderMetrics(core: Registry, others: readonly Registry[]): Promise<string> {
  const combined = new Registry();
  const seen = new Set<string>();
  for (const registry of [core, ...others]) {
    for (const { name } of registry.getMetricsAsArray()) {
      const metric = registry.getSingleMetric(name);
      if (!metric || seen.has(name)) continue;
      seen.add(name);
      combined.registerMetric(metric);
    }
  }
  return combined.metrics();
}
