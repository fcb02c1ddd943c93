/**
 * The RAC type's metrics: live connections by endpoint, bytes relayed by direction, failures by reason
 * (rac-error.ts's codes, a bounded set), and how often a target was throttled for its byte rate.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RacFailure } from './rac-error.ts';

/** What the connections report. */
export interface RacMetrics {
  opened(endpoint: string): void;
  closed(endpoint: string): void;
  bytes(direction: 'to_browser' | 'to_target', n: number): void;
  failed(reason: RacFailure): void;
  throttled(): void;
}

/** Registers the RAC metrics in `registry`. */
export function createRacMetrics(registry: Registry, outpostName: () => string): RacMetrics {
  const connections = new Gauge({
    name: 'authentik_outpost_rac_connections',
    help: 'Live RAC connections, by endpoint (protocol://host:port)',
    labelNames: ['outpost_name', 'endpoint'] as const,
    registers: [registry],
  });
  const bytes = new Counter({
    name: 'authentik_outpost_rac_relayed_bytes_total',
    help: 'Bytes relayed between RAC targets and browsers',
    labelNames: ['outpost_name', 'direction'] as const,
    registers: [registry],
  });
  const failures = new Counter({
    name: 'authentik_outpost_rac_connection_failures_total',
    help: 'RAC connections that failed or were closed for misbehaving, by reason',
    labelNames: ['outpost_name', 'reason'] as const,
    registers: [registry],
  });
  const throttled = new Counter({
    name: 'authentik_outpost_rac_throttled_total',
    help: 'Times a RAC target was paused for exceeding the byte-rate limit',
    labelNames: ['outpost_name'] as const,
    registers: [registry],
  });
  return {
    opened: (endpoint) => connections.inc({ outpost_name: outpostName(), endpoint }),
    closed: (endpoint) => connections.dec({ outpost_name: outpostName(), endpoint }),
    bytes: (direction, n) => bytes.inc({ outpost_name: outpostName(), direction }, n),
    failed: (reason) => failures.inc({ outpost_name: outpostName(), reason }),
    throttled: () => throttled.inc({ outpost_name: outpostName() }),
  };
}
