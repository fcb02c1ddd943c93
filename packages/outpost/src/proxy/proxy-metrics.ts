import { Histogram, type Registry } from 'prom-client';
import type { ProxyMetrics, ProxyProviderConfig } from './types.ts';

/** Methods kept as label values; anything else is counted as "other" (labels stay bounded). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);
const REQUEST_TYPES = new Set(['app', 'ping', 'static']);
const SCHEMES = new Set(['http', 'https', 'ws', 'wss']);

/** The proxy type's metrics (spec §8), and the hosts their labels may take. */
export interface ProxyModuleMetrics extends ProxyMetrics {
  /** A configuration was applied: only its hosts are label values from now on. */
  hosts(providers: readonly ProxyProviderConfig[]): void;
}

const hostOf = (url: string): string | undefined => {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
};

/** Registers the proxy's request and upstream histograms in `registry`. */
export function createProxyMetrics(registry: Registry, outpostName: () => string): ProxyModuleMetrics {
  const requests = new Histogram({
    name: 'authentik_outpost_proxy_request_duration_seconds',
    help: 'Proxy request durations',
    labelNames: ['outpost_name', 'method', 'host', 'type'] as const,
    registers: [registry],
  });
  const upstream = new Histogram({
    name: 'authentik_outpost_proxy_upstream_response_duration_seconds',
    help: 'Proxy upstream response latencies',
    labelNames: ['outpost_name', 'method', 'scheme', 'host', 'upstream_host'] as const,
    registers: [registry],
  });
  let hosts = new Set<string>();
  let upstreamHosts = new Set<string>();
  const method = (m: string) => (METHODS.has(m.toUpperCase()) ? m.toUpperCase() : 'other');
  const host = (h: string) => (hosts.has(h.toLowerCase()) ? h.toLowerCase() : 'unknown');

  return {
    hosts(providers) {
      hosts = new Set(providers.flatMap((p) => hostOf(p.external_host) ?? []));
      upstreamHosts = new Set(providers.flatMap((p) => hostOf(p.internal_host) ?? []));
    },
    request(labels, seconds) {
      requests.observe(
        {
          outpost_name: outpostName(),
          method: method(labels.method),
          host: host(labels.host),
          type: REQUEST_TYPES.has(labels.type) ? labels.type : 'app',
        },
        seconds,
      );
    },
    upstream(labels, seconds) {
      upstream.observe(
        {
          outpost_name: outpostName(),
          method: method(labels.method),
          scheme: SCHEMES.has(labels.scheme) ? labels.scheme : 'other',
          host: host(labels.host),
          upstream_host: upstreamHosts.has(labels.upstream_host.toLowerCase())
            ? labels.upstream_host.toLowerCase()
            : 'unknown',
        },
        seconds,
      );
    },
  };
}
