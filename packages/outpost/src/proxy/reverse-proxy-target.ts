/**
 * Where proxy mode sends a request (spec proxy-outpost.md §6.1 steps 2 and 5): the upstream origin, and
 * the keep-alive agents that connect to it, one pair per provider so each keeps its own TLS rules.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Logger, ProxyProviderConfig, UpstreamRequest } from './types.ts';

/** The origin a request goes to. */
export interface UpstreamTarget {
  protocol: 'http:' | 'https:';
  /** For connecting: no IPv6 brackets. */
  hostname: string;
  port: number;
  /** host[:port] as written in the configuration (the metrics' upstream_host label). */
  host: string;
}

function parseOrigin(url: string): UpstreamTarget | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (!parsed.hostname) return undefined;
  return {
    protocol: parsed.protocol,
    hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80,
    host: parsed.host,
  };
}

// Provider objects are replaced wholesale on every configuration update, so a WeakMap keyed by them
// parses each internal_host once and forgets it with the provider.
const internalTargets = new WeakMap<ProxyProviderConfig, UpstreamTarget | null>();
const warnedOverrides = new Set<string>();

/**
 * The upstream origin: internal_host's scheme and host (its path is ignored), or the user's
 * `ak_proxy.backend_override` when that is an absolute http(s) URL. Undefined when internal_host itself
 * is unusable.
 */
export function upstreamTarget(upstream: UpstreamRequest, log: Logger): UpstreamTarget | undefined {
  const override = upstream.claims?.ak_proxy?.backend_override;
  if (override) {
    const target = parseOrigin(override);
    if (target) return target;
    // Once per value, not per request: the override sits in user attributes until an admin fixes it.
    if (!warnedOverrides.has(override)) {
      if (warnedOverrides.size >= 100) warnedOverrides.clear();
      warnedOverrides.add(override);
      log.warn(
        { provider: upstream.provider.name, backend_override: override },
        'ignoring backend_override: not an absolute http(s) URL',
      );
    }
  }
  let target = internalTargets.get(upstream.provider);
  if (target === undefined) {
    target = parseOrigin(upstream.provider.internal_host) ?? null;
    internalTargets.set(upstream.provider, target);
  }
  return target ?? undefined;
}

/**
 * The request-target to send upstream: the client's path and query unchanged. An absolute-form target
 * (RFC 9112 §3.2.2, sent to proxies) is reduced to its path and query.
 */
export function upstreamPath(url: string | undefined): string {
  if (!url) return '/';
  if (url.startsWith('/') || url === '*') return url;
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return '/';
  }
}

interface ProviderAgents {
  sslValidation: boolean;
  http: HttpAgent;
  https: HttpsAgent;
}

/** Keep-alive agents per provider. */
export interface AgentPool {
  /** The agent for a provider and protocol, created on first use. */
  agentFor(provider: ProxyProviderConfig, protocol: 'http:' | 'https:'): HttpAgent;
  /** Closes the agents of providers not in the set. */
  retain(providerPks: ReadonlySet<number>): void;
}

// Idle pooled sockets close after this, before typical upstream keep-alive limits (nginx 75 s); node:http
// also honours a shorter `Keep-Alive: timeout=` hint from the upstream.
const FREE_SOCKET_TIMEOUT_MS = 30_000;

/** Creates the per-provider agent pool. */
export function createAgentPool(): AgentPool {
  const pools = new Map<number, ProviderAgents>();
  const destroy = (agents: ProviderAgents) => {
    agents.http.destroy();
    agents.https.destroy();
  };
  return {
    agentFor(provider, protocol) {
      let agents = pools.get(provider.pk);
      if (agents && agents.sslValidation !== provider.internal_host_ssl_validation) {
        destroy(agents);
        agents = undefined;
      }
      if (!agents) {
        const common = { keepAlive: true, timeout: FREE_SOCKET_TIMEOUT_MS, scheduling: 'lifo' as const };
        agents = {
          sslValidation: provider.internal_host_ssl_validation,
          http: new HttpAgent(common),
          // DANGER: internal_host_ssl_validation=false accepts any certificate from the upstream (and so any
          // machine in the path). It exists for self-signed internal services; the admin opts in per provider.
          https: new HttpsAgent({ ...common, rejectUnauthorized: provider.internal_host_ssl_validation }),
        };
        pools.set(provider.pk, agents);
      }
      return protocol === 'https:' ? agents.https : agents.http;
    },
    retain(providerPks) {
      for (const [pk, agents] of pools) {
        if (providerPks.has(pk)) continue;
        destroy(agents);
        pools.delete(pk);
      }
    },
  };
}
