import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ProxyMetrics, ProxyProviderConfig } from '../proxy/types.ts';

/** Methods kept as label values; anything else is counted as "other" (labels stay bounded). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);
const REQUEST_TYPES = new Set(['app', 'ping', 'static']);
const SCHEMES = new Set(['http', 'https', 'ws', 'wss']);

/** Who this instance is, for the info labels (spec §8). */
export interface InstanceLabels {
  outpostName: string;
  uuid: string;
  version: string;
  build: string;
}

/** The outpost's Prometheus metrics (spec §8) and the ProxyMetrics the runtime reports into. */
export interface OutpostMetrics extends ProxyMetrics {
  readonly registry: Registry;
  /** Sets `authentik_outpost_info` (once the outpost's name is known). */
  started(instance: InstanceLabels): void;
  /** A refresh succeeded: `authentik_outpost_last_update` and the hosts label values may take. */
  updated(outpostName: string, providers: readonly ProxyProviderConfig[]): void;
  /** The websocket's state: `authentik_outpost_connection`. */
  connection(isConnected: boolean): void;
}

const hostOf = (url: string): string | undefined => {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
};

/** Builds the registry: the outpost's metrics plus Node's default process metrics. */
export function createOutpostMetrics(): OutpostMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const instanceLabels = ['outpost_name', 'outpost_type', 'uuid', 'version', 'build'] as const;
  const info = new Gauge({
    name: 'authentik_outpost_info',
    help: 'Outpost info',
    labelNames: instanceLabels,
    registers: [registry],
  });
  const lastUpdate = new Gauge({
    name: 'authentik_outpost_last_update',
    help: 'Time of last update',
    labelNames: instanceLabels,
    registers: [registry],
  });
  const connectionGauge = new Gauge({
    name: 'authentik_outpost_connection',
    help: 'Connection status',
    labelNames: ['outpost_name', 'outpost_type', 'uuid'] as const,
    registers: [registry],
  });
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

  let instance: InstanceLabels | undefined;
  let outpostName = '';
  let hosts = new Set<string>();
  let upstreamHosts = new Set<string>();
  let isConnected = false;

  const instanceValues = () =>
    instance && {
      outpost_name: outpostName,
      outpost_type: 'proxy',
      uuid: instance.uuid,
      version: instance.version,
      build: instance.build,
    };
  const method = (m: string) => (METHODS.has(m.toUpperCase()) ? m.toUpperCase() : 'other');
  const host = (h: string) => (hosts.has(h.toLowerCase()) ? h.toLowerCase() : 'unknown');

  function setConnection() {
    if (!instance) return;
    connectionGauge.reset();
    connectionGauge.set(
      { outpost_name: outpostName, outpost_type: 'proxy', uuid: instance.uuid },
      Number(isConnected),
    );
  }

  return {
    registry,
    started(labels) {
      instance = labels;
      outpostName = labels.outpostName;
      info.reset();
      info.set(instanceValues() ?? {}, 1);
      setConnection();
    },
    updated(name, providers) {
      if (name !== outpostName && instance) {
        // A renamed outpost: the series move to the new name rather than leaving stale ones behind.
        outpostName = name;
        info.reset();
        info.set(instanceValues() ?? {}, 1);
        lastUpdate.reset();
        setConnection();
      }
      hosts = new Set(providers.flatMap((p) => hostOf(p.external_host) ?? []));
      upstreamHosts = new Set(providers.flatMap((p) => hostOf(p.internal_host) ?? []));
      const values = instanceValues();
      if (values) lastUpdate.set(values, Math.floor(Date.now() / 1000));
    },
    connection(connected) {
      isConnected = connected;
      setConnection();
    },
    request(labels, seconds) {
      requests.observe(
        {
          outpost_name: outpostName,
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
          outpost_name: outpostName,
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
