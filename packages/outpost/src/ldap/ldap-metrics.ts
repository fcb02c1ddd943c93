/**
 * The LDAP outpost's metrics, named as the reference's (spec §1.9) so its dashboards keep working. Labels
 * are bounded: `type` is an operation kind, `reason` one of the fixed reject reasons, `app` the serving
 * provider's application slug (or empty), `outpost_name` the outpost's.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

/** Operation kinds timed and counted. */
export type LdapOperation = 'bind' | 'search' | 'unbind' | 'compare' | 'extended' | 'write';

/** Metrics handles. */
export interface LdapMetrics {
  observe(type: LdapOperation, app: string, seconds: number): void;
  rejected(type: LdapOperation, reason: string, app: string): void;
}

/** Registers the metrics in `registry`. */
export function createLdapMetrics(registry: Registry, outpostName: () => string): LdapMetrics {
  const duration = new Histogram({
    name: 'authentik_outpost_ldap_request_duration_seconds',
    help: 'LDAP request latency',
    labelNames: ['outpost_name', 'type', 'app'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'authentik_outpost_ldap_requests_rejected_total',
    help: 'Total number of rejected LDAP requests',
    labelNames: ['outpost_name', 'type', 'reason', 'app'] as const,
    registers: [registry],
  });
  return {
    observe(type, app, seconds) {
      duration.observe({ outpost_name: outpostName(), type, app }, seconds);
    },
    rejected(type, reason, app) {
      rejected.inc({ outpost_name: outpostName(), type, reason, app });
    },
  };
}
