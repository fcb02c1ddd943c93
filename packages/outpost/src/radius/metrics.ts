/**
 * The RADIUS type's metrics (ldap-radius-rac.md §2.6), with the reference's names and reject reasons so its
 * dashboards keep working, plus a counter of dropped packets (which the reference logs only). The `app`
 * label is an application slug of the configuration (bounded), `reason` one of the fixed lists below.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { DropReason } from './packet.ts';

/** Reject reasons: the spec's, plus `rate_limited` (the throttle) and `unsupported` (CHAP, no password). */
export type RejectReason =
  | 'flow_error'
  | 'invalid_credentials'
  | 'access_denied'
  | 'access_check_fail'
  | 'attribute_decode_failed'
  | 'attribute_parse_failed'
  | 'rate_limited'
  | 'unsupported';

/** Why a packet got no answer at all. */
export type SilentDrop =
  | DropReason
  | 'unknown_network'
  | 'invalid_message_authenticator'
  | 'missing_message_authenticator'
  | 'not_access_request'
  | 'busy'
  | 'eap';

/** What the server records. */
export interface RadiusMetrics {
  request(app: string, seconds: number): void;
  rejected(app: string, reason: RejectReason): void;
  dropped(reason: SilentDrop): void;
  /** A PAP request answered from the warm cache (auth-cache.ts). */
  cacheHit(app: string): void;
}

/** Registers the metrics in `registry`. */
export function createRadiusMetrics(registry: Registry, outpostName: () => string): RadiusMetrics {
  const duration = new Histogram({
    name: 'authentik_outpost_radius_request_duration_seconds',
    help: 'RADIUS request latencies',
    labelNames: ['outpost_name', 'app'] as const,
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'authentik_outpost_radius_requests_rejected_total',
    help: 'Total number of rejected RADIUS requests',
    labelNames: ['outpost_name', 'reason', 'app'] as const,
    registers: [registry],
  });
  const dropped = new Counter({
    name: 'authentik_outpost_radius_packets_dropped_total',
    help: 'RADIUS packets dropped without an answer',
    labelNames: ['outpost_name', 'reason'] as const,
    registers: [registry],
  });
  const cacheHits = new Counter({
    name: 'authentik_outpost_radius_auth_cache_hits_total',
    help: 'PAP requests answered from the cache of successful authentications',
    labelNames: ['outpost_name', 'app'] as const,
    registers: [registry],
  });
  return {
    cacheHit: (app) => cacheHits.inc({ outpost_name: outpostName(), app }),
    request: (app, seconds) => duration.observe({ outpost_name: outpostName(), app }, seconds),
    rejected: (app, reason) => rejected.inc({ outpost_name: outpostName(), reason, app }),
    dropped: (reason) => dropped.inc({ outpost_name: outpostName(), reason }),
  };
}
